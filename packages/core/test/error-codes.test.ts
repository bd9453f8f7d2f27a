import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ERROR_CODES,
  httpStatusOf,
  IncidentsError,
  isErrorCode,
  isIncidentsError,
  NotFoundError,
  PermissionDeniedError,
  ValidationError,
} from '../src/index.js';

describe('ERROR_CODES', () => {
  it('gives every code a meaning and an HTTP status', () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(info.meaning.length, code).toBeGreaterThan(10);
      expect(info.httpStatus, code).toBeGreaterThanOrEqual(400);
      expect(info.httpStatus, code).toBeLessThan(600);
    }
  });

  it('maps the caller-fault codes to their HTTP statuses, anything unknown to 500', () => {
    expect(httpStatusOf(new ValidationError([]).code)).toBe(400);
    expect(httpStatusOf(new NotFoundError('Incident', 'X').code)).toBe(404);
    expect(httpStatusOf(new ConflictError('c', { entity: 'Incident', id: 'X', reason: 'stale_revision' }).code)).toBe(
      409,
    );
    expect(httpStatusOf(new PermissionDeniedError('a', 'b', 'c').code)).toBe(403);
    expect(httpStatusOf('no.such_code')).toBe(500);
    expect(httpStatusOf('toString')).toBe(500);
  });

  it('lists the kb codes that are thrown and none that is not', () => {
    const kb = Object.keys(ERROR_CODES).filter((c) => c.startsWith('kb.'));
    expect(kb).toEqual(
      expect.arrayContaining(['kb.alert', 'kb.sync_failed', 'kb.ingestion_conflict', 'kb.bedrock', 'kb.index']),
    );
    expect(kb).not.toContain('kb.ingestion_timeout');
    expect(isErrorCode('kb.ingestion_timeout')).toBe(false);
    expect(isErrorCode('kb.alert')).toBe(true);
  });
});

describe('isIncidentsError', () => {
  it('recognises branded errors and rejects look-alike plain objects', () => {
    expect(isIncidentsError(new IncidentsError('store', 'x'))).toBe(true);
    expect(isIncidentsError(new ValidationError([]))).toBe(true);
    expect(isIncidentsError({ code: 'store', userError: false })).toBe(false);
    expect(isIncidentsError(new Error('x'))).toBe(false);
    expect(isIncidentsError(null)).toBe(false);
  });
});
