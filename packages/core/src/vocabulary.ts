/**
 * Support-desk vocabulary (R-DESK-2) mapped onto the core model, and display labels in Spanish and
 * English for UIs.
 *
 * @module
 */
import type { Priority, Severity, Status } from './model/enums.js';

/** The support desk's ticket states (R-DESK-2). */
export type DeskStatus = 'abierto' | 'en_progreso' | 'resuelto' | 'cerrado';
/** The support desk's priorities (R-DESK-2). */
export type DeskPriority = 'baja' | 'media' | 'alta' | 'critica';
/** A UI language. */
export type Locale = 'es' | 'en';

/** Core status → desk state (several core statuses share one desk state). */
export const STATUS_TO_DESK: Readonly<Record<Status, DeskStatus>> = {
  NEW: 'abierto',
  ASSIGNED: 'abierto',
  IN_PROGRESS: 'en_progreso',
  PENDING: 'en_progreso',
  RESOLVED: 'resuelto',
  CLOSED: 'cerrado',
  CANCELLED: 'cerrado',
};

/** Desk state → the core status a ticket in that state is created or imported with. */
export const DESK_TO_STATUS: Readonly<Record<DeskStatus, Status>> = {
  abierto: 'NEW',
  en_progreso: 'IN_PROGRESS',
  resuelto: 'RESOLVED',
  cerrado: 'CLOSED',
};

/** Core priority → desk priority (P1 is `critica`). */
export const PRIORITY_TO_DESK: Readonly<Record<Priority, DeskPriority>> = {
  P1: 'critica',
  P2: 'alta',
  P3: 'media',
  P4: 'baja',
};

/** Desk priority → core priority (`critica` is P1). */
export const DESK_TO_PRIORITY: Readonly<Record<DeskPriority, Priority>> = {
  critica: 'P1',
  alta: 'P2',
  media: 'P3',
  baja: 'P4',
};

/** The severity that usually goes with a priority (used when a source gives only one of them). */
export const PRIORITY_TO_SEVERITY: Readonly<Record<Priority, Severity>> = {
  P1: 'CRITICAL',
  P2: 'HIGH',
  P3: 'MEDIUM',
  P4: 'LOW',
};

/** The priority that goes with a severity: the default priority of a new incident (CRITICAL → P1). */
export const SEVERITY_TO_PRIORITY: Readonly<Record<Severity, Priority>> = {
  CRITICAL: 'P1',
  HIGH: 'P2',
  MEDIUM: 'P3',
  LOW: 'P4',
};

/** Display labels of the statuses, in Spanish and English. */
export const STATUS_LABELS: Readonly<Record<Status, Record<Locale, string>>> = {
  NEW: { es: 'Nueva', en: 'New' },
  ASSIGNED: { es: 'Asignada', en: 'Assigned' },
  IN_PROGRESS: { es: 'En progreso', en: 'In progress' },
  PENDING: { es: 'Pendiente', en: 'Pending' },
  RESOLVED: { es: 'Resuelta', en: 'Resolved' },
  CLOSED: { es: 'Cerrada', en: 'Closed' },
  CANCELLED: { es: 'Cancelada', en: 'Cancelled' },
};

/** Display labels of the severities, in Spanish and English. */
export const SEVERITY_LABELS: Readonly<Record<Severity, Record<Locale, string>>> = {
  CRITICAL: { es: 'Crítica', en: 'Critical' },
  HIGH: { es: 'Alta', en: 'High' },
  MEDIUM: { es: 'Media', en: 'Medium' },
  LOW: { es: 'Baja', en: 'Low' },
};

/** Display labels of the priorities, in Spanish and English. */
export const PRIORITY_LABELS: Readonly<Record<Priority, Record<Locale, string>>> = {
  P1: { es: 'P1 · Crítica', en: 'P1 · Critical' },
  P2: { es: 'P2 · Alta', en: 'P2 · High' },
  P3: { es: 'P3 · Media', en: 'P3 · Medium' },
  P4: { es: 'P4 · Baja', en: 'P4 · Low' },
};

/** Display labels of the desk states, in Spanish and English. */
export const DESK_STATUS_LABELS: Readonly<Record<DeskStatus, Record<Locale, string>>> = {
  abierto: { es: 'Abierto', en: 'Open' },
  en_progreso: { es: 'En progreso', en: 'In progress' },
  resuelto: { es: 'Resuelto', en: 'Resolved' },
  cerrado: { es: 'Cerrado', en: 'Closed' },
};

/** Display label of a status in a locale. */
export function statusLabel(status: Status, locale: Locale = 'en'): string {
  return STATUS_LABELS[status][locale];
}
