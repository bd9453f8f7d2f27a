/**
 * The model types are declared object types with TSDoc on every field (so that the API site and
 * editors show each field's documentation; type aliases rather than interfaces, so that a record stays
 * assignable to `Record<string, unknown>`), and the zod schemas are what validates the data. This file
 * keeps the two equal:
 *
 * - at the type level (`pnpm --filter @incidents/core typecheck` compiles the test folder): each
 *   declared type and its schema's output type are assignable both ways and have the same keys, field by
 *   field, down through nested objects and arrays — a field added, removed, renamed, made optional or
 *   retyped on one side only is a compile error here;
 * - at run time: records parsed by the schemas are used as the declared types, with every default filled.
 */
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import {
  type Actor,
  type ActorSchema,
  type Analysis,
  type AnalysisSchema,
  type Attachment,
  type AttachmentSchema,
  type ClineWork,
  type ClineWorkSchema,
  type CodeChange,
  type CodeChangeSchema,
  type Comment,
  type CommentSchema,
  type Incident,
  type IncidentMetrics,
  type IncidentMetricsSchema,
  IncidentSchema,
  type Interaction,
  InteractionSchema,
  type KbSyncStatus,
  type KbSyncStatusSchema,
  type Resolution,
  type ResolutionSchema,
  type Solution,
  type SolutionSchema,
  type SourceRecord,
  type SourceRecordSchema,
  type SyncConflict,
  type SyncConflictSchema,
  type SyncMetadata,
  type SyncMetadataSchema,
  type TechnicalDetails,
  type TechnicalDetailsSchema,
  type User,
  type UserCredentials,
  type UserCredentialsSchema,
  UserSchema,
} from '../src/index.js';
import type { IncidentMetadata, ProgressNote, WorkSession } from '../src/model/incident.js';
import type { IncidentMetadataSchema, ProgressNoteSchema, WorkSessionSchema } from '../src/model/incident.js';
import { incidentFixture } from '../src/testing/fixtures.js';

// ---------------------------------------------------------------------------------------------------
// Type-level equality, field by field.

/** Whether A and B are assignable to each other (no distribution over unions). */
type Assignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Same keys, and every field the same (recursing into objects and arrays). */
type Same<A, B> =
  Assignable<A, B> extends true
    ? [A] extends [readonly (infer E)[]]
      ? [B] extends [readonly (infer F)[]]
        ? Same<E, F>
        : false
      : [A] extends [object]
        ? SameFields<A, B>
        : true
    : false;

type SameFields<A, B> =
  Assignable<keyof A, keyof B> extends true
    ? { [K in keyof A & keyof B]-?: SameOptionality<A, B, K> extends true ? Same<A[K], B[K]> : false }[keyof A &
        keyof B] extends true
      ? true
      : false
    : false;

/** A field is optional on both sides or on neither (undefined-accepting both ways otherwise). */
type SameOptionality<A, B, K extends keyof A & keyof B> = Assignable<
  Pick<A, K> extends Required<Pick<A, K>> ? 'required' : 'optional',
  Pick<B, K> extends Required<Pick<B, K>> ? 'required' : 'optional'
>;

/** Compiles only when `T` is `true`. */
function typeCheck<T extends true>(_proof: T): T {
  return _proof;
}

const proofs = {
  Incident: typeCheck<Same<Incident, z.output<typeof IncidentSchema>>>(true),
  TechnicalDetails: typeCheck<Same<TechnicalDetails, z.output<typeof TechnicalDetailsSchema>>>(true),
  Analysis: typeCheck<Same<Analysis, z.output<typeof AnalysisSchema>>>(true),
  CodeChange: typeCheck<Same<CodeChange, z.output<typeof CodeChangeSchema>>>(true),
  Solution: typeCheck<Same<Solution, z.output<typeof SolutionSchema>>>(true),
  WorkSession: typeCheck<Same<WorkSession, z.output<typeof WorkSessionSchema>>>(true),
  ProgressNote: typeCheck<Same<ProgressNote, z.output<typeof ProgressNoteSchema>>>(true),
  ClineWork: typeCheck<Same<ClineWork, z.output<typeof ClineWorkSchema>>>(true),
  Resolution: typeCheck<Same<Resolution, z.output<typeof ResolutionSchema>>>(true),
  Attachment: typeCheck<Same<Attachment, z.output<typeof AttachmentSchema>>>(true),
  SyncConflict: typeCheck<Same<SyncConflict, z.output<typeof SyncConflictSchema>>>(true),
  SyncMetadata: typeCheck<Same<SyncMetadata, z.output<typeof SyncMetadataSchema>>>(true),
  IncidentMetrics: typeCheck<Same<IncidentMetrics, z.output<typeof IncidentMetricsSchema>>>(true),
  KbSyncStatus: typeCheck<Same<KbSyncStatus, z.output<typeof KbSyncStatusSchema>>>(true),
  IncidentMetadata: typeCheck<Same<IncidentMetadata, z.output<typeof IncidentMetadataSchema>>>(true),
  Comment: typeCheck<Same<Comment, z.output<typeof CommentSchema>>>(true),
  Interaction: typeCheck<Same<Interaction, z.output<typeof InteractionSchema>>>(true),
  SourceRecord: typeCheck<Same<SourceRecord, z.output<typeof SourceRecordSchema>>>(true),
  User: typeCheck<Same<User, z.output<typeof UserSchema>>>(true),
  UserCredentials: typeCheck<Same<UserCredentials, z.output<typeof UserCredentialsSchema>>>(true),
  Actor: typeCheck<Same<Actor, z.output<typeof ActorSchema>>>(true),
};

// The checker itself must tell different types apart, or the proofs above prove nothing.
const negatives = {
  missingOptional: typeCheck<Not<Same<{ a: string }, { a: string; b?: string }>>>(true),
  optionalVsRequired: typeCheck<Not<Same<{ a: string }, { a?: string }>>>(true),
  nestedType: typeCheck<Not<Same<{ a: { b: string } }, { a: { b: number } }>>>(true),
  nestedKey: typeCheck<Not<Same<{ a: { b: string }[] }, { a: { b: string; c?: string }[] }>>>(true),
  enumWidened: typeCheck<Not<Same<{ a: 'X' | 'Y' }, { a: string }>>>(true),
  // The schema's output type is a real object type (not `any`): dropping one optional field shows.
  schemaNotAny: typeCheck<Not<Same<Incident, Omit<z.output<typeof IncidentSchema>, 'merged_into'>>>>(true),
  nestedSchemaField:
    typeCheck<Not<Same<Incident, Omit<Incident, 'metrics'> & { metrics: Omit<IncidentMetrics, 'escalated'> }>>>(true),
};
type Not<T extends boolean> = T extends true ? false : true;

// ---------------------------------------------------------------------------------------------------

describe('declared model types and schemas', () => {
  it('declares one type per schema, all proven equal at compile time', () => {
    expect(Object.keys(proofs)).toHaveLength(21);
    expect(Object.values(proofs).every((p) => p === true)).toBe(true);
    expect(Object.values(negatives).every((p) => p === true)).toBe(true);
  });

  it('a parsed record is an Incident with every default filled', () => {
    const incident: Incident = incidentFixture();
    expect(incident.affected_systems).toEqual([]);
    expect(incident.technical_details).toEqual({});
    expect(incident.sync_metadata.needs_sync).toBe(false);
    expect(incident.metrics).toEqual({ reopened_count: 0, escalated: false, sla_breached: false });
    expect(incident.kb_sync_status).toEqual({ state: 'NOT_APPLICABLE', synced: false, sync_attempts: 0 });
    // And an Incident value is accepted by the schema unchanged.
    expect(IncidentSchema.parse(incident)).toEqual(incident);
  });

  it('parsed users and interactions are the declared types', () => {
    const user: User = UserSchema.parse({
      email: ' Ana@Example.COM ',
      name: 'Ana',
      role: 'operator',
      created_at: '2026-01-05T09:00:00.000Z',
    });
    expect(user).toEqual({
      email: 'ana@example.com',
      name: 'Ana',
      role: 'operator',
      active: true,
      created_at: '2026-01-05T09:00:00.000Z',
    });
    const interaction: Interaction = InteractionSchema.parse({
      interaction_id: 'INT-1',
      incident_id: 'INC-1',
      type: 'comment',
      author: 'ana@example.com',
      created_at: '2026-01-05T09:00:00.000Z',
      visibility: 'INTERNAL',
      source: 'CLI',
    });
    expect(interaction.text).toBe('');
    expect(interaction.metadata).toEqual({});
  });
});
