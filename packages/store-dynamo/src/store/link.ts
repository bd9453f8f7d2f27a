/**
 * Linking an incident into another (R-SOURCE-4): `from`'s interactions and source records move under
 * `to`, then both version 0 records, their history versions and the link's interactions are written
 * in a final transaction that turns `from` into a tombstone (`merged_into`).
 *
 * DynamoDB caps a transaction at 100 actions, so a large move runs as a sequence of transactions:
 * every chunk moves ≤ 49 items (put under `to` + delete under `from`) guarded by condition checks on
 * both revisions, and the tombstone is written **last**. An interrupted link therefore leaves `from`
 * un-linked with the same revisions: re-running the service's `link` calls the store again, which
 * moves what is left and commits. A stale revision fails in the first transaction, before anything
 * moved.
 *
 * @module
 */
import {
  ConflictError,
  type Incident,
  IncidentsError,
  type Interaction,
  type LinkIncidentsWrite,
  NotFoundError,
  ValidationError,
} from '@incidents/core';
import { COLLECTION_PREFIX } from '../table/keys.js';
import {
  type Item,
  interactionItem,
  sourceRecordItem,
  toInteraction,
  toSourceRecord,
  versionItem,
  currentItem,
} from './items.js';
import { MAX_TRANSACTION_ACTIONS, reasonAt, type TransactionBuilder, type TransactionOutcome } from './transactions.js';

/** What the link algorithm needs from the store. */
export interface LinkDeps {
  run(build: TransactionBuilder): Promise<TransactionOutcome>;
  getIncident(incidentId: string): Promise<Incident | null>;
  readPartition(incidentId: string, prefix: string): Promise<Item[]>;
}

/** Condition checks on both revisions take two actions; each move takes two (put + delete). */
const MOVES_PER_CHUNK = Math.floor((MAX_TRANSACTION_ACTIONS - 2) / 2);

// biome-ignore lint/suspicious/noExplicitAny: ElectroDB entities in a transaction builder
type Ents = Record<string, any>;

function moveActions(e: Ents, raw: Item, to: string, from: string): unknown[] {
  const sk = String(raw.sk);
  if (sk.startsWith(COLLECTION_PREFIX.interaction)) {
    const interaction = toInteraction(raw);
    return [
      e.interaction.put(interactionItem(interaction, to)).commit(),
      e.interaction
        .delete({ incident_id: from, k_created: raw.k_created, interaction_id: interaction.interaction_id })
        .commit(),
    ];
  }
  const record = toSourceRecord(raw);
  return [
    e.sourceRecord.put(sourceRecordItem(record, to)).commit(),
    e.sourceRecord
      .delete({ incident_id: from, source_system: record.source_system, record_id: record.record_id })
      .commit(),
  ];
}

// biome-ignore lint/suspicious/noExplicitAny: ElectroDB where callback
const revisionIs = (n: number) => (a: any, op: any) => op.eq(a.revision, n);

/** Runs (or completes) a link. */
export async function linkIncidents(deps: LinkDeps, write: LinkIncidentsWrite): Promise<void> {
  const { from, to, fromExpectedRevision, toExpectedRevision } = write;
  const interactions: Interaction[] = (write.interactions ?? []).map((i) => ({ ...i, incident_id: to.incident_id }));
  if (from.incident_id === to.incident_id)
    throw new ValidationError([{ path: 'write.to.incident_id', message: 'cannot link an incident into itself' }]);
  if (from.merged_into !== to.incident_id) {
    throw new ValidationError([{ path: 'write.from.merged_into', message: `must be ${to.incident_id}` }]);
  }
  if (from.revision !== fromExpectedRevision + 1 || to.revision !== toExpectedRevision + 1) {
    throw new ValidationError([
      { path: 'write.from.revision', message: 'both records must have revision expectedRevision + 1' },
    ]);
  }
  const fixed = 4 + interactions.length;
  if (fixed > MAX_TRANSACTION_ACTIONS) {
    throw new ValidationError([
      { path: 'write.interactions', message: `at most ${MAX_TRANSACTION_ACTIONS - 4} interactions per link` },
    ]);
  }

  async function staleOrMissing(): Promise<never> {
    for (const [incident, expected] of [
      [from, fromExpectedRevision],
      [to, toExpectedRevision],
    ] as const) {
      const current = await deps.getIncident(incident.incident_id);
      if (!current) throw new NotFoundError('Incident', incident.incident_id);
      if (current.revision !== expected) {
        throw ConflictError.staleRevision({
          id: incident.incident_id,
          expectedRevision: expected,
          actualRevision: current.revision,
        });
      }
    }
    throw new IncidentsError('store', 'DynamoDB link transaction was cancelled', { userError: false });
  }

  const moves = [
    ...(await deps.readPartition(from.incident_id, COLLECTION_PREFIX.interaction)),
    ...(await deps.readPartition(from.incident_id, COLLECTION_PREFIX.sourceRecord)),
  ];
  const finalRoom = Math.floor((MAX_TRANSACTION_ACTIONS - fixed) / 2);
  const early = moves.slice(0, Math.max(0, moves.length - finalRoom));
  const last = moves.slice(early.length);

  for (let i = 0; i < early.length; i += MOVES_PER_CHUNK) {
    const chunk = early.slice(i, i + MOVES_PER_CHUNK);
    const outcome = await deps.run((e) => [
      e.incident.check({ incident_id: from.incident_id, version: 0 }).where(revisionIs(fromExpectedRevision)).commit(),
      e.incident.check({ incident_id: to.incident_id, version: 0 }).where(revisionIs(toExpectedRevision)).commit(),
      ...chunk.flatMap((raw) => moveActions(e, raw, to.incident_id, from.incident_id)),
    ]);
    if (outcome.canceled) {
      if (reasonAt(outcome, 0) === 'ConditionalCheckFailed' || reasonAt(outcome, 1) === 'ConditionalCheckFailed')
        await staleOrMissing();
      throw new IncidentsError(
        'store',
        `DynamoDB link move was cancelled (${outcome.reasons.map((r) => r.code).join(', ')})`,
        {
          userError: false,
        },
      );
    }
  }

  const outcome = await deps.run((e) => [
    e.incident.put(currentItem(from)).where(revisionIs(fromExpectedRevision)).commit(),
    e.incidentVersion.create(versionItem(from, from.revision)).commit(),
    e.incident.put(currentItem(to)).where(revisionIs(toExpectedRevision)).commit(),
    e.incidentVersion.create(versionItem(to, to.revision)).commit(),
    ...interactions.map((i) => e.interaction.create(interactionItem(i)).commit()),
    ...last.flatMap((raw) => moveActions(e, raw, to.incident_id, from.incident_id)),
  ]);
  if (!outcome.canceled) return;
  if ([0, 1, 2, 3].some((n) => reasonAt(outcome, n) === 'ConditionalCheckFailed')) await staleOrMissing();
  throw new IncidentsError(
    'store',
    `DynamoDB link transaction was cancelled (${outcome.reasons.map((r) => r.code).join(', ')})`,
    {
      userError: false,
    },
  );
}
