/**
 * Write transactions. ElectroDB's `service.transaction.write(...)` builds the actions (keys,
 * conditions, marshalling); the store sends the TransactWriteItems itself so that it can ask for
 * consumed capacity (ElectroDB's transaction `go()` drops extra parameters) and read the
 * `CancellationReasons` — ElectroDB's own `go()` would return `{ canceled: true, data }` rather than
 * throw, which is easy to miss. `TransactionConflict` (another transaction held one of the items) is
 * retried with a small backoff.
 *
 * @module
 */
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Entities } from '../table/entities.js';
import { backoff, type CancellationEntry, storeError } from './errors.js';

/** The result of a transaction: committed, or cancelled with one reason per action (in order). */
export type TransactionOutcome = { canceled: false } | { canceled: true; reasons: CancellationEntry[] };

/** DynamoDB's limit of actions per TransactWriteItems. */
export const MAX_TRANSACTION_ACTIONS = 100;

/** Builds the actions of a transaction (`entity.put(...).commit()` …) from the service's entities. */
// biome-ignore lint/suspicious/noExplicitAny: ElectroDB's commit() objects are typed per entity
export type TransactionBuilder = (entities: Record<string, any>) => unknown[];

/** Runs a write transaction; retries it while it is cancelled only by `TransactionConflict`. */
export async function transactWrite(
  client: DynamoDBDocumentClient,
  entities: Entities,
  build: TransactionBuilder,
  params: Record<string, unknown>,
  retries = 12,
  append: readonly unknown[] = [],
): Promise<TransactionOutcome> {
  // `append`: raw lib-dynamodb actions after ElectroDB's (the outbox items of sync-state.ts).
  return transactItems(client, [...electroActions(entities, build), ...append], params, retries);
}

/** The lib-dynamodb actions ElectroDB builds for `build` (keys, conditions, marshalling-ready items). */
export function electroActions(entities: Entities, build: TransactionBuilder): unknown[] {
  // biome-ignore lint/suspicious/noExplicitAny: ElectroDB's builder typing is per entity
  return ((entities.service.transaction.write as any)(build).params() as { TransactItems: unknown[] }).TransactItems;
}

/** Runs a TransactWriteItems of ready actions; retries it while it is cancelled only by `TransactionConflict`. */
export async function transactItems(
  client: DynamoDBDocumentClient,
  actions: readonly unknown[],
  params: Record<string, unknown>,
  retries = 12,
): Promise<TransactionOutcome> {
  const input = { TransactItems: actions };
  for (let attempt = 0; ; attempt++) {
    let reasons: CancellationEntry[];
    try {
      // biome-ignore lint/suspicious/noExplicitAny: the actions come from ElectroDB already shaped for lib-dynamodb
      await client.send(new TransactWriteCommand({ ...(input as any), ...params }));
      return { canceled: false };
    } catch (err) {
      const cancellation = (err as { CancellationReasons?: Array<{ Code?: string; Message?: string }> })
        .CancellationReasons;
      if (!cancellation) throw storeError('TransactWriteItems', err);
      reasons = cancellation.map((r) => ({
        rejected: (r.Code ?? 'None') !== 'None',
        code: r.Code ?? 'None',
        message: r.Message,
      }));
    }
    const onlyConflicts =
      reasons.some((r) => r.code === 'TransactionConflict') &&
      reasons.every((r) => r.code === 'TransactionConflict' || r.code === 'None');
    if (onlyConflicts && attempt < retries) {
      await backoff(attempt);
      continue;
    }
    return { canceled: true, reasons };
  }
}

/** The code of the reason at `index`, or `None`. */
export function reasonAt(outcome: TransactionOutcome, index: number): string {
  return outcome.canceled ? (outcome.reasons[index]?.code ?? 'None') : 'None';
}
