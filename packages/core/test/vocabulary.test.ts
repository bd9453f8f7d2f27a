import { describe, expect, it } from 'vitest';
import { PRIORITIES, SEVERITIES, STATUSES } from '../src/model/enums.js';
import {
  DESK_STATUS_LABELS,
  DESK_TO_PRIORITY,
  DESK_TO_STATUS,
  type DeskPriority,
  type DeskStatus,
  PRIORITY_LABELS,
  PRIORITY_TO_DESK,
  PRIORITY_TO_SEVERITY,
  SEVERITY_LABELS,
  SEVERITY_TO_PRIORITY,
  STATUS_LABELS,
  STATUS_TO_DESK,
  statusLabel,
} from '../src/vocabulary.js';

const DESK_STATUSES: DeskStatus[] = ['abierto', 'en_progreso', 'resuelto', 'cerrado'];
const DESK_PRIORITIES: DeskPriority[] = ['baja', 'media', 'alta', 'critica'];

describe('support-desk vocabulary (R-DESK-2)', () => {
  it('maps every core status onto a desk state', () => {
    expect(STATUS_TO_DESK).toEqual({
      NEW: 'abierto',
      ASSIGNED: 'abierto',
      IN_PROGRESS: 'en_progreso',
      PENDING: 'en_progreso',
      RESOLVED: 'resuelto',
      CLOSED: 'cerrado',
      CANCELLED: 'cerrado',
    });
  });

  it('maps every desk state to a core status that maps back to it', () => {
    for (const desk of DESK_STATUSES) expect(STATUS_TO_DESK[DESK_TO_STATUS[desk]]).toBe(desk);
    expect(DESK_TO_STATUS.abierto).toBe('NEW');
    expect(DESK_TO_STATUS.cerrado).toBe('CLOSED');
  });

  it('maps priorities both ways (P1 = critica … P4 = baja)', () => {
    expect(PRIORITY_TO_DESK).toEqual({ P1: 'critica', P2: 'alta', P3: 'media', P4: 'baja' });
    for (const p of PRIORITIES) expect(DESK_TO_PRIORITY[PRIORITY_TO_DESK[p]]).toBe(p);
    for (const d of DESK_PRIORITIES) expect(PRIORITY_TO_DESK[DESK_TO_PRIORITY[d]]).toBe(d);
  });

  it('pairs severities and priorities both ways', () => {
    expect(SEVERITY_TO_PRIORITY).toEqual({ CRITICAL: 'P1', HIGH: 'P2', MEDIUM: 'P3', LOW: 'P4' });
    for (const s of SEVERITIES) expect(PRIORITY_TO_SEVERITY[SEVERITY_TO_PRIORITY[s]]).toBe(s);
  });

  it('has a Spanish and an English label for every status, severity, priority and desk state', () => {
    const tables = [
      [STATUS_LABELS, STATUSES],
      [SEVERITY_LABELS, SEVERITIES],
      [PRIORITY_LABELS, PRIORITIES],
      [DESK_STATUS_LABELS, DESK_STATUSES],
    ] as const;
    for (const [labels, keys] of tables) {
      expect(Object.keys(labels).sort()).toEqual([...keys].sort());
      for (const key of keys) {
        const entry = (labels as Record<string, { es: string; en: string }>)[key];
        expect(entry?.es.length).toBeGreaterThan(0);
        expect(entry?.en.length).toBeGreaterThan(0);
      }
    }
  });

  it('statusLabel defaults to English', () => {
    expect(statusLabel('IN_PROGRESS')).toBe('In progress');
    expect(statusLabel('IN_PROGRESS', 'es')).toBe('En progreso');
    expect(statusLabel('CLOSED', 'es')).toBe('Cerrada');
    expect(SEVERITY_LABELS.CRITICAL.es).toBe('Crítica');
  });
});
