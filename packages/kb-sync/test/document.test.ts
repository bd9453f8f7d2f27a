import { describe, expect, it } from 'vitest';
import {
  documentKey,
  metadataKey,
  renderDocumentText,
  serializeJson,
  toKbDocument,
  toMetadataSidecar,
} from '../src/index.js';
import { closedIncidentFixture as closedIncident } from '@incidents/core/testing';

describe('knowledge-base document', () => {
  it('carries the R-KB-1 transform fields and drops what does not teach anything', () => {
    const doc = toKbDocument(closedIncident({ incident_id: 'JIRA-1' }));
    expect(doc).toMatchObject({
      document_version: 1,
      incident_id: 'JIRA-1',
      external_id: 'JIRA-1',
      source_system: 'JIRA',
      title: 'Checkout returns 502 after deploy',
      category: 'API',
      severity: 'HIGH',
      priority: 'P2',
      team: 'payments',
      affected_systems: ['checkout-api'],
      environment: 'PRODUCTION',
      error_messages: ['upstream connect error'],
      root_cause: 'connection pool exhausted',
      diagnosis: 'pool size 5 under load',
      resolution: 'Raised the pool size and added a timeout',
      resolution_type: 'FIXED',
      resolution_steps: ['Set POOL_SIZE=50', 'Redeploy'],
      commands_executed: ['kubectl rollout restart deploy/checkout'],
      code_changes: [{ file: 'src/db.ts', description: 'pool size from env' }],
      resolved_by: 'ana@example.com',
      resolved_at: '2026-01-05T11:30:00.000Z',
      resolution_time_minutes: 90,
      tags: ['checkout', 'db'],
    });
    // Diffs, assignment and bookkeeping stay out of the document.
    expect(JSON.stringify(doc)).not.toContain('+pool: 50');
    expect(doc).not.toHaveProperty('kb_sync_status');
    expect(doc).not.toHaveProperty('assigned_to');
  });

  it('falls back to the analysis and says "Not specified" when nothing was recorded', () => {
    const inc = closedIncident({ incident_id: 'X-1' });
    const bare = closedIncident({
      incident_id: 'X-2',
      resolution: undefined,
      cline_work: undefined,
      metrics: { reopened_count: 0, escalated: false, sla_breached: false },
    });
    expect(toKbDocument({ ...inc, resolution: undefined }).root_cause).toBe('connection pool exhausted');
    const doc = toKbDocument(bare);
    expect(doc.root_cause).toBe('Not specified');
    expect(doc.resolution).toBe('Not specified');
    // Minutes computed from created_at → resolved_at when metrics lack them.
    expect(doc.resolution_time_minutes).toBe(90);
  });

  it('is byte-identical for the same revision (idempotent uploads)', () => {
    const inc = closedIncident({ incident_id: 'JIRA-2' });
    expect(serializeJson(toKbDocument(inc))).toBe(serializeJson(toKbDocument(structuredClone(inc))));
  });

  it('has a Bedrock sidecar with the filterable attributes', () => {
    const sidecar = toMetadataSidecar(toKbDocument(closedIncident({ incident_id: 'JIRA-3' })));
    expect(sidecar).toEqual({
      metadataAttributes: {
        incident_id: 'JIRA-3',
        category: 'API',
        severity: 'HIGH',
        priority: 'P2',
        source_system: 'JIRA',
        team: 'payments',
        environment: 'PRODUCTION',
        resolution_type: 'FIXED',
        resolved_at: '2026-01-05T11:30:00.000Z',
        resolution_time_minutes: 90,
      },
    });
  });

  it('keys documents as <prefix>closed/<id>.json and encodes unsafe ids', () => {
    expect(documentKey('INC-1')).toBe('incidents/closed/INC-1.json');
    expect(documentKey('INC-1', 'kb/')).toBe('kb/closed/INC-1.json');
    expect(documentKey('INC-1', '')).toBe('closed/INC-1.json');
    expect(documentKey('../etc/passwd')).toBe('incidents/closed/..%2Fetc%2Fpasswd.json');
    expect(metadataKey('incidents/closed/INC-1.json')).toBe('incidents/closed/INC-1.json.metadata.json');
  });

  it('renders a readable text with the fix', () => {
    const text = renderDocumentText(toKbDocument(closedIncident({ incident_id: 'JIRA-4' })));
    expect(text.split('\n')[0]).toBe('JIRA-4: Checkout returns 502 after deploy');
    expect(text).toContain('Root cause: connection pool exhausted');
    expect(text).toContain('1. Set POOL_SIZE=50');
    expect(text).toContain('- src/db.ts: pool size from env');
  });
});
