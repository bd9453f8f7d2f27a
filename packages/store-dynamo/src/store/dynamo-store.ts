/**
 * `createDynamoStore` — the {@link IncidentStore} over one DynamoDB table (ElectroDB single-table
 * design). See the package README for the table design, capacity notes and IAM permissions.
 *
 * @module
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  ConflictError,
  type CreateIncidentWrite,
  type Incident,
  type IncidentQuery,
  incidentQuerySchema,
  incidentSchema,
  type IncidentStore,
  IncidentsError,
  type Interaction,
  type LinkIncidentsWrite,
  type ListInteractionsOptions,
  type MarkKbSyncedInput,
  type MarkKbSyncFailedInput,
  type MetricsAggregate,
  type MetricsFilter,
  NotFoundError,
  normalizeEmail,
  type Page,
  type PageRequest,
  type SourceRecord,
  type SourceSystem,
  type User,
  type UserCredentials,
  userCredentialsSchema,
  userSchema,
  ValidationError,
} from '@incidents/core';
import { checkBulkCreateRepeats, pageLimit, parseInput, parseInputAt, sameJson } from '@incidents/core/store-kit';
import { createEntities, type Entities } from '../table/entities.js';
import {
  COLLECTION_PREFIX,
  incidentKey,
  incidentPartition,
  indexPartition,
  PK,
  SK,
  sourceGuardKey,
} from '../table/keys.js';
import { checkTableName } from '../table/table-definition.js';
import { aggregate, inMetricsScope } from './aggregate.js';
import { backoff, guarded, isConditionFailure } from './errors.js';
import {
  currentItem,
  type Item,
  interactionItem,
  sourceRecordItem,
  toIncident,
  toInteraction,
  toSourceRecord,
  toUser,
  userItem,
  versionItem,
} from './items.js';
import { linkIncidents } from './link.js';
import { checkOutbound, createSyncState, outboundPutAction } from '../sync-queue/sync-state.js';
import { collectionSegment, indexSegment, pageSegments, readAll, type Segment } from './paging.js';
import { incidentQuerySegments, textAcceptor, isKeysOnly, metricsSegments } from './queries.js';
import {
  MAX_TRANSACTION_ACTIONS,
  reasonAt,
  type TransactionBuilder,
  type TransactionOutcome,
  electroActions,
  transactItems,
  transactWrite,
} from './transactions.js';
import { createPutActions } from './put-actions.js';

/** Options of {@link createDynamoStore}. */
export interface DynamoStoreOptions {
  /** The table (see `incidentsTableDefinition`). */
  tableName: string;
  /**
   * A DynamoDB client: a `DynamoDBDocumentClient` is used as is, a `DynamoDBClient` is wrapped in one.
   * The store never destroys a client it was given.
   */
  client?: DynamoDBDocumentClient | DynamoDBClient;
  /** Configuration of the client the store creates when `client` is omitted (region, endpoint, credentials…). */
  clientConfig?: DynamoDBClientConfig;
  /** Ask DynamoDB to report consumed capacity on every call (`TOTAL` or `INDEXES`); default `NONE`. */
  returnConsumedCapacity?: 'NONE' | 'TOTAL' | 'INDEXES';
}

/** Options of {@link DynamoIncidentStore.querySourceRecords}: the priority, state and source views of R-SOURCE-3. */
export type SourceRecordQuery =
  | { by: 'priority'; priority: string }
  | { by: 'state'; status: string }
  | { by: 'source'; source_system: SourceSystem };

/** Everything stored under one incident, read with one paged Query of its item collection. */
export interface IncidentCollection {
  incident: Incident | null;
  versions: Incident[];
  interactions: Interaction[];
  sourceRecords: SourceRecord[];
}

/** The DynamoDB store: the whole {@link IncidentStore} port plus DynamoDB-specific reads. */
export interface DynamoIncidentStore extends IncidentStore {
  readonly name: 'dynamo';
  /** The table name. */
  readonly tableName: string;
  /** The document client in use (for rollups, the sync queue and tests). */
  readonly client: DynamoDBDocumentClient;
  /** The ElectroDB entities and service over the table. */
  readonly entities: Entities;
  /**
   * Creates many incidents (bulk imports, seeding, the connectors' first import of a page) with the
   * invariants of {@link IncidentStore.createIncident}: every write is validated and the call is checked
   * for repeated ids, `(source_system, external_id)` pairs and interaction ids before anything is
   * written; then whole incidents are packed into `TransactWriteItems` of at most 100 actions, each
   * incident keeping its conditional puts (version 0, version 1, the source guard item that makes
   * `(source_system, external_id)` unique, its interactions). A few transactions run at once.
   *
   * Atomic per incident and per transaction, not per call (DynamoDB has no transaction over 100
   * items): a collision with a stored record fails with the `ConflictError` a single create gives,
   * naming the incident; its transaction writes nothing, transactions already committed stay, and no
   * new one starts. Retrying the rest one by one is safe (a written one answers `already_exists`).
   */
  createIncidents(writes: readonly CreateIncidentWrite[]): Promise<void>;
  /** Version 0, history versions, interactions and source records of an incident in one Query of its item collection. */
  getIncidentCollection(incidentId: string): Promise<IncidentCollection>;
  /** Source records across incidents by priority (GSI-1), state (GSI-6) or source system (GSI-5 + BatchGetItem). */
  querySourceRecords(query: SourceRecordQuery, page?: PageRequest): Promise<Page<SourceRecord>>;
  /** Stores a user's credentials in their own item (`USER#<email>` / `CREDENTIALS`), conditional on the profile. */
  setUserCredentials(email: string, credentials: UserCredentials): Promise<void>;
  /** The credentials item of a user (strongly consistent read), or `null`. */
  getUserCredentials(email: string): Promise<UserCredentials | null>;
}

function isDocumentClient(client: DynamoDBDocumentClient | DynamoDBClient): client is DynamoDBDocumentClient {
  return 'translateConfig' in (client.config as object);
}

/**
 * Creates the DynamoDB {@link IncidentStore} over an existing table (create it with `ensureTable` or
 * from `incidentsTableDefinition`).
 *
 * @example
 * ```ts
 * import { createIncidentService } from '@incidents/core';
 * import { createDynamoStore, ensureTable } from '@incidents/store-dynamo';
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 *
 * const client = new DynamoDBClient({ region: 'eu-west-1' });
 * await ensureTable({ client, tableName: 'incidents' });
 * const store = createDynamoStore({ tableName: 'incidents', client });
 * const incidents = createIncidentService({ store });
 * ```
 */
export function createDynamoStore(options: DynamoStoreOptions): DynamoIncidentStore {
  if (!options || typeof options.tableName !== 'string') {
    throw new ValidationError([{ path: 'tableName', message: 'tableName is required' }]);
  }
  const table = checkTableName(options.tableName);
  let owned: DynamoDBClient | undefined;
  let doc: DynamoDBDocumentClient;
  if (options.client) {
    doc = isDocumentClient(options.client)
      ? options.client
      : DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
  } else {
    owned = new DynamoDBClient(options.clientConfig ?? {});
    doc = DynamoDBDocumentClient.from(owned, { marshallOptions: { removeUndefinedValues: true } });
  }
  const entities = createEntities(doc, table);
  const capacity = options.returnConsumedCapacity ?? 'NONE';
  const extra: Partial<QueryCommandInput> = capacity === 'NONE' ? {} : { ReturnConsumedCapacity: capacity };
  const txParams: Record<string, unknown> = { ...extra };
  let closed = false;

  const run = (build: TransactionBuilder, append: readonly unknown[] = []): Promise<TransactionOutcome> =>
    transactWrite(doc, entities, build, txParams, undefined, append);
  const syncState = createSyncState({ client: doc, tableName: table, extra });
  // Hot path (creates and updates): Put actions built directly, the same as ElectroDB's (put-actions.ts).
  const puts = createPutActions(entities, table);
  const runActions = (actions: readonly unknown[]): Promise<TransactionOutcome> =>
    transactItems(doc, actions, txParams);
  const sourceRecordActions = (records: SourceRecord[]): unknown[] =>
    records.length === 0
      ? []
      : electroActions(entities, (e) => records.map((r) => e.sourceRecord.put(sourceRecordItem(r)).commit()));

  async function getItem(key: Item, consistent = true): Promise<Item | undefined> {
    const res = await guarded('GetItem', () =>
      doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: consistent, ...extra })),
    );
    return res.Item;
  }

  async function getIncident(incidentId: string): Promise<Incident | null> {
    const item = await getItem(incidentKey(incidentId, 0));
    return item ? toIncident(item) : null;
  }

  /** The items at `keys` (primary keys taken from keys-only index items), in that order; missing ones are skipped. */
  async function batchGet(keys: Item[]): Promise<Item[]> {
    const found = new Map<string, Item>();
    const id = (k: Item) => `${k[PK]}|${k[SK]}`;
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Item[] = keys.slice(i, i + 100).map((k) => ({ [PK]: k[PK], [SK]: k[SK] }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        const res = await guarded('BatchGetItem', () =>
          doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } }, ...extra })),
        );
        for (const item of res.Responses?.[table] ?? []) found.set(id(item), item);
        pending = (res.UnprocessedKeys?.[table]?.Keys as Item[] | undefined) ?? [];
        if (pending.length > 0) {
          if (attempt > 8)
            throw new IncidentsError('store', 'DynamoDB BatchGetItem kept returning unprocessed keys', {
              userError: false,
            });
          await backoff(attempt);
        }
      }
    }
    return keys.flatMap((k) => {
      const item = found.get(id(k));
      return item ? [item] : [];
    });
  }

  function checkWriteSize(actions: number, path: string): void {
    if (actions > MAX_TRANSACTION_ACTIONS) {
      throw new ValidationError([
        {
          path,
          message: `a single write may touch at most ${MAX_TRANSACTION_ACTIONS} items (DynamoDB transaction limit); got ${actions}`,
        },
      ]);
    }
  }

  function checkDistinct(interactions: Interaction[], sourceRecords: SourceRecord[], incidentId: string): void {
    const seen = new Set<string>();
    for (const i of interactions) {
      if (seen.has(i.interaction_id)) {
        throw new ConflictError(`Interaction ${i.interaction_id} appears twice in one write`, {
          entity: 'Interaction',
          id: i.interaction_id,
          reason: 'already_exists',
        });
      }
      seen.add(i.interaction_id);
    }
    const records = new Set<string>();
    for (const r of sourceRecords) {
      const key = `${r.source_system}#${r.record_id}`;
      if (records.has(key)) {
        throw new ValidationError([
          { path: 'write.sourceRecords', message: `source record ${key} of ${incidentId} appears twice` },
        ]);
      }
      records.add(key);
    }
  }

  async function conflictFor(incident: Incident, expectedRevision: number): Promise<never> {
    const current = await getIncident(incident.incident_id);
    if (!current) throw new NotFoundError('Incident', incident.incident_id);
    throw ConflictError.staleRevision({ id: incident.incident_id, expectedRevision, actualRevision: current.revision });
  }

  async function duplicateSource(incident: Incident, cause?: unknown): Promise<never> {
    const guard = await getItem(sourceGuardKey(incident.source_system, incident.external_id));
    const owner = typeof guard?.incident_id === 'string' ? guard.incident_id : 'another incident';
    throw new ConflictError(
      `${incident.source_system} record ${incident.external_id} is already imported as ${owner}`,
      { entity: 'Incident', id: incident.incident_id, reason: 'duplicate_source' },
      { cause },
    );
  }

  function interactionConflict(outcome: TransactionOutcome, offset: number, interactions: Interaction[]): void {
    interactions.forEach((i, n) => {
      if (reasonAt(outcome, offset + n) === 'ConditionalCheckFailed') {
        throw new ConflictError(`Interaction ${i.interaction_id} already exists`, {
          entity: 'Interaction',
          id: i.interaction_id,
          reason: 'already_exists',
        });
      }
    });
  }

  function unexpected(outcome: TransactionOutcome, what: string): never {
    const codes = outcome.canceled ? outcome.reasons.map((r) => r.code).join(', ') : '';
    throw new IncidentsError('store', `DynamoDB ${what} was cancelled (${codes})`, {
      userError: false,
      details: { reasons: codes },
    });
  }

  function validateIncident(incident: Incident, path: string): Incident {
    return parseInputAt(incidentSchema(), incident, path);
  }

  async function writeUpdate(
    incident: Incident,
    expectedRevision: number,
    interactions: Interaction[],
    sourceRecords: SourceRecord[],
    rekeyFrom?: { source_system: string; external_id: string },
    outbound: readonly unknown[] = [],
    keepKb = false,
  ): Promise<TransactionOutcome> {
    return runActions([
      puts.incident(currentItem(incident), {
        revision: expectedRevision,
        source_system: rekeyFrom?.source_system ?? incident.source_system,
        external_id: rekeyFrom?.external_id ?? incident.external_id,
        // Keeping the KB bookkeeping: the stored map must still be the one the record carries
        // (a mark since the read changes it without a new revision; the caller merges and retries).
        ...(keepKb ? { kb_sync_status: incident.kb_sync_status } : {}),
      }),
      puts.incidentVersion(versionItem(incident, incident.revision)),
      ...interactions.map((i) => puts.interaction(interactionItem(i))),
      ...sourceRecordActions(sourceRecords),
      ...(rekeyFrom
        ? [
            ...electroActions(entities, (e) => [
              e.sourceGuard
                .delete({ source_system: rekeyFrom.source_system, external_id: rekeyFrom.external_id })
                // biome-ignore lint/suspicious/noExplicitAny: ElectroDB where callback
                .where((a: any, op: any) => op.eq(a.incident_id, incident.incident_id))
                .commit(),
            ]),
            puts.sourceGuard({
              source_system: incident.source_system,
              external_id: incident.external_id,
              incident_id: incident.incident_id,
            }),
          ]
        : []),
      ...outbound,
    ]);
  }

  /** A create validated and normalised as {@link DynamoIncidentStore.createIncident} writes it. */
  interface CheckedCreate {
    incident: Incident;
    interactions: Interaction[];
    sourceRecords: SourceRecord[];
  }

  function checkCreate(write: CreateIncidentWrite, path: string): CheckedCreate {
    const incident = validateIncident(write?.incident, `${path}.incident`);
    if (incident.version !== 0 || incident.revision !== 1) {
      throw new ValidationError([
        { path: `${path}.incident.revision`, message: 'a new incident has version 0 and revision 1' },
      ]);
    }
    const interactions = (write.interactions ?? []).map((i) => ({ ...i, incident_id: incident.incident_id }));
    const sourceRecords = (write.sourceRecords ?? []).map((r) => ({ ...r, incident_id: incident.incident_id }));
    checkDistinct(interactions, sourceRecords, incident.incident_id);
    checkWriteSize(3 + interactions.length + sourceRecords.length, `${path}.interactions`);
    return { incident, interactions, sourceRecords };
  }

  /** The actions of one create: version 0, version 1, the source guard, interactions, source records. */
  function createActions(incident: Incident, interactions: Interaction[], sourceRecords: SourceRecord[]): unknown[] {
    return [
      puts.incident(currentItem(incident)),
      puts.incidentVersion(versionItem(incident, 1)),
      puts.sourceGuard({
        source_system: incident.source_system,
        external_id: incident.external_id,
        incident_id: incident.incident_id,
      }),
      ...interactions.map((i) => puts.interaction(interactionItem(i))),
      ...sourceRecordActions(sourceRecords),
    ];
  }

  /** Maps a cancelled create (its actions starting at `offset`) to the error a single create gives. */
  async function createConflict(
    outcome: TransactionOutcome,
    offset: number,
    incident: Incident,
    interactions: Interaction[],
  ): Promise<void> {
    if (
      reasonAt(outcome, offset) === 'ConditionalCheckFailed' ||
      reasonAt(outcome, offset + 1) === 'ConditionalCheckFailed'
    ) {
      throw new ConflictError(`Incident ${incident.incident_id} already exists`, {
        entity: 'Incident',
        id: incident.incident_id,
        reason: 'already_exists',
      });
    }
    if (reasonAt(outcome, offset + 2) === 'ConditionalCheckFailed') await duplicateSource(incident);
    interactionConflict(outcome, offset + 3, interactions);
  }

  async function writeCreateChunk(part: CheckedCreate[]): Promise<void> {
    const outcome = await runActions(part.flatMap((c) => createActions(c.incident, c.interactions, c.sourceRecords)));
    if (!outcome.canceled) return;
    let offset = 0;
    for (const c of part) {
      await createConflict(outcome, offset, c.incident, c.interactions);
      offset += createActionCount(c);
    }
    unexpected(outcome, 'createIncidents');
  }

  const store: DynamoIncidentStore = {
    name: 'dynamo',
    tableName: table,
    client: doc,
    entities,

    async createIncident(write: CreateIncidentWrite): Promise<void> {
      const { incident, interactions, sourceRecords } = checkCreate(write, 'write');
      const outcome = await runActions(createActions(incident, interactions, sourceRecords));
      if (!outcome.canceled) return;
      await createConflict(outcome, 0, incident, interactions);
      unexpected(outcome, 'createIncident');
    },

    async createIncidents(writes: readonly CreateIncidentWrite[]): Promise<void> {
      if (!Array.isArray(writes))
        throw new ValidationError([{ path: 'writes', message: 'expected an array of writes' }]);
      if (writes.length === 0) return;
      // 1. Every write is validated, and the call checked for repeats, before anything is written.
      const checked = writes.map((w, i) => checkCreate(w, `writes.${i}`));
      checkBulkCreateRepeats(checked);
      // 2. Whole incidents packed into TransactWriteItems of at most 100 actions (and well under the
      // 4 MB request limit): each incident keeps the conditional puts of a single create — version 0,
      // version 1 and the (source_system, external_id) guard item — so uniqueness holds per item.
      const chunks: CheckedCreate[][] = [];
      let chunk: CheckedCreate[] = [];
      let actions = 0;
      let bytes = 0;
      for (const c of checked) {
        const size = createActionCount(c);
        const weight = approximateBytes(c);
        if (chunk.length > 0 && (actions + size > MAX_TRANSACTION_ACTIONS || bytes + weight > BULK_CHUNK_BYTES)) {
          chunks.push(chunk);
          chunk = [];
          actions = 0;
          bytes = 0;
        }
        chunk.push(c);
        actions += size;
        bytes += weight;
      }
      chunks.push(chunk);
      // 3. A few transactions in flight; after the first failure no new one starts.
      let next = 0;
      let failure: unknown;
      const worker = async () => {
        while (failure === undefined && next < chunks.length) {
          const part = chunks[next++] as CheckedCreate[];
          try {
            await writeCreateChunk(part);
          } catch (err) {
            failure ??= err;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, chunks.length) }, worker));
      if (failure !== undefined) throw failure;
    },

    getIncident,

    async updateIncident(write): Promise<void> {
      let incident = validateIncident(write.incident, 'write.incident');
      const expected = write.expectedRevision;
      if (!Number.isInteger(expected) || incident.version !== 0 || incident.revision !== expected + 1) {
        throw new ValidationError([
          { path: 'write.incident.revision', message: 'the new version 0 must have revision expectedRevision + 1' },
        ]);
      }
      const interactions = write.interactions ?? [];
      const sourceRecords = write.sourceRecords ?? [];
      checkDistinct(interactions, sourceRecords, incident.incident_id);
      // Transactional outbox: the outbound items are the last actions of the same transaction.
      const outbound = checkOutbound(write.outbound, 'write.outbound').map((o) => outboundPutAction(table, o));
      checkWriteSize(2 + interactions.length + sourceRecords.length + 2 + outbound.length, 'write.interactions');
      const keepKb = write.keepKbSyncStatus === true;
      let outcome = await writeUpdate(incident, expected, interactions, sourceRecords, undefined, outbound, keepKb);
      for (let merges = 0; outcome.canceled && reasonAt(outcome, 0) === 'ConditionalCheckFailed'; merges++) {
        const current = await getIncident(incident.incident_id);
        if (!current) throw new NotFoundError('Incident', incident.incident_id);
        if (current.revision !== expected) await conflictFor(incident, expected);
        // Same revision, another KB map: the KB job marked it since the caller's read. Keep the mark.
        if (keepKb && merges < 3 && !sameJson(current.kb_sync_status, incident.kb_sync_status)) {
          incident = { ...incident, kb_sync_status: current.kb_sync_status };
          outcome = await writeUpdate(incident, expected, interactions, sourceRecords, undefined, outbound, keepKb);
          continue;
        }
        // Same revision, different (source_system, external_id): move the uniqueness item with the record.
        outcome = await writeUpdate(
          incident,
          expected,
          interactions,
          sourceRecords,
          { source_system: current.source_system, external_id: current.external_id },
          outbound,
          keepKb,
        );
        if (!outcome.canceled) return;
        if (reasonAt(outcome, 0) === 'ConditionalCheckFailed') await conflictFor(incident, expected);
        const guardIndex = 2 + interactions.length + sourceRecords.length + 1;
        if (reasonAt(outcome, guardIndex) === 'ConditionalCheckFailed') await duplicateSource(incident);
        break;
      }
      if (!outcome.canceled) return;
      if (reasonAt(outcome, 1) === 'ConditionalCheckFailed') await conflictFor(incident, expected);
      interactionConflict(outcome, 2, interactions);
      const outboxReasons = outcome.canceled && outbound.length ? outcome.reasons.slice(-outbound.length) : [];
      if (outboxReasons.some((r) => r.code === 'ConditionalCheckFailed')) {
        throw new ConflictError('An outbound item of this write already exists', {
          entity: 'OutboundItem',
          id: incident.incident_id,
          reason: 'already_exists',
        });
      }
      unexpected(outcome, 'updateIncident');
    },

    async linkIncidents(write: LinkIncidentsWrite): Promise<void> {
      // The tombstone is written in the last transaction of a link, together with the final moves:
      // once `from` carries `merged_into`, nothing is left under it, so resuming has nothing to do.
      if (write.resume) return;
      const from = validateIncident(write.from, 'write.from');
      const to = validateIncident(write.to, 'write.to');
      await linkIncidents(
        {
          run,
          getIncident,
          readPartition: (incidentId, prefix) =>
            readAll(doc, table, [collectionSegment(incidentPartition(incidentId), prefix)], extra),
        },
        { ...write, from, to },
      );
    },

    async getVersion(incidentId, version) {
      if (!Number.isInteger(version) || version < 1) return null;
      const item = await getItem(incidentKey(incidentId, version));
      return item ? toIncident(item) : null;
    },

    async listVersions(incidentId, page) {
      const res = await pageSegments(
        doc,
        table,
        [
          {
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
            ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
            ExpressionAttributeValues: {
              ':pk': incidentPartition(incidentId),
              ':lo': incidentKey(incidentId, 1)[SK],
              ':hi': `${COLLECTION_PREFIX.version}9999999999`,
            },
            ConsistentRead: true,
          },
        ],
        { limit: pageLimit(page), cursor: page?.cursor, extra },
      );
      return { items: res.items.map(toIncident), cursor: res.cursor };
    },

    async listInteractions(incidentId, options: ListInteractionsOptions = {}) {
      const types = options.types ? new Set<string>(options.types) : undefined;
      const includeInternal = options.includeInternal === true;
      const filtered = types !== undefined || !includeInternal;
      const res = await pageSegments(
        doc,
        table,
        [
          {
            ...collectionSegment(incidentPartition(incidentId), COLLECTION_PREFIX.interaction),
            ScanIndexForward: options.order === 'asc',
          },
        ],
        {
          limit: pageLimit(options),
          cursor: options.cursor,
          extra,
          ...(filtered
            ? {
                accept: (item: Item) =>
                  (includeInternal || item.visibility !== 'INTERNAL') && (!types || types.has(String(item.type))),
              }
            : {}),
        },
      );
      return { items: res.items.map(toInteraction), cursor: res.cursor };
    },

    async listSourceRecords(incidentId) {
      const items = await readAll(
        doc,
        table,
        [collectionSegment(incidentPartition(incidentId), COLLECTION_PREFIX.sourceRecord)],
        extra,
      );
      return items.map(toSourceRecord);
    },

    async findBySource(sourceSystem, externalId) {
      const guard = await getItem(sourceGuardKey(sourceSystem, externalId));
      if (!guard || typeof guard.incident_id !== 'string') return null;
      const incident = await getIncident(guard.incident_id);
      if (!incident || incident.source_system !== sourceSystem || incident.external_id !== externalId) return null;
      return incident;
    },

    async queryIncidents(query: IncidentQuery, page?: PageRequest) {
      const q = parseInput(incidentQuerySchema(), query, 'query') as IncidentQuery;
      const accept = textAcceptor(q);
      const res = await pageSegments(doc, table, incidentQuerySegments(q), {
        limit: pageLimit(page),
        cursor: page?.cursor,
        extra,
        ...(accept ? { accept } : {}),
      });
      const items = (isKeysOnly(q) ? await batchGet(res.items) : res.items).map(toIncident);
      return { items, cursor: res.cursor };
    },

    async aggregateMetrics(filter: MetricsFilter): Promise<MetricsAggregate> {
      const items = await readAll(doc, table, metricsSegments(filter), extra);
      return aggregate(items.map(toIncident).filter((i) => inMetricsScope(i, filter)));
    },

    async putUser(user: User) {
      const valid = parseInput(userSchema(), user, 'user');
      await guarded('PutItem', () => entities.user.put(userItem(valid)).go());
    },

    async getUser(email) {
      // Stored normalised (UserSchema): the lookup is case-insensitive.
      const item = await getItem({ [PK]: `USER#${normalizeEmail(email)}`, [SK]: 'PROFILE' });
      return item ? toUser(item) : null;
    },

    async listUsers(page) {
      const res = await pageSegments(doc, table, [indexSegment('gsi7', indexPartition.users())], {
        limit: pageLimit(page),
        cursor: page?.cursor,
        extra,
      });
      return { items: res.items.map(toUser), cursor: res.cursor };
    },

    async setUserCredentials(email, credentials) {
      const c = parseInput(userCredentialsSchema(), credentials, 'credentials');
      // Raw TransactWriteItems: the credentials item is deliberately not an ElectroDB entity (its
      // password hash must never come back from an entity query or a collection read).
      // The credentials item carries no index attributes: listUsers (GSI-7) never sees it. The
      // profile's ConditionCheck makes "no such user" a failed transaction instead of an orphan item.
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                ConditionCheck: {
                  TableName: table,
                  Key: { [PK]: `USER#${email}`, [SK]: 'PROFILE' },
                  ConditionExpression: 'attribute_exists(#pk)',
                  ExpressionAttributeNames: { '#pk': PK },
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: {
                    [PK]: `USER#${email}`,
                    [SK]: 'CREDENTIALS',
                    password_hash: c.password_hash,
                    updated_at: c.updated_at,
                  },
                },
              },
            ],
            ...txParams,
          }),
        );
      } catch (err) {
        const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
        if (reasons?.[0]?.Code === 'ConditionalCheckFailed') throw new NotFoundError('User', email);
        throw guardedError('TransactWriteItems', err);
      }
    },

    async getUserCredentials(email) {
      const item = await getItem({ [PK]: `USER#${email}`, [SK]: 'CREDENTIALS' });
      if (!item) return null;
      return parseInput(
        userCredentialsSchema(),
        { password_hash: item.password_hash, updated_at: item.updated_at },
        'credentials',
      );
    },

    async listPendingKbSync(page) {
      const res = await pageSegments(doc, table, [indexSegment('gsi7', indexPartition.kbPending())], {
        limit: pageLimit(page),
        cursor: page?.cursor,
        extra,
      });
      return { items: res.items.map(toIncident), cursor: res.cursor };
    },

    async markKbSynced(input: MarkKbSyncedInput): Promise<boolean> {
      const withdrawn = input.withdrawn === true;
      // Raw UpdateItem, not ElectroDB's `patch`: the write sets members of the nested
      // `kb_sync_status` map and REMOVEs the sparse GSI-7 keys (`gsi7pk`, `gsi7sk`, `k_kb`). ElectroDB
      // manages index keys itself — it recomputes them only when it is given every composite of the
      // index and has no way to drop a sparse index's keys on update — and updates `any` attributes
      // as whole values, which would overwrite a concurrent `sync_attempts` increment.
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: incidentKey(input.incident_id, 0),
            ConditionExpression: '#revision = :revision',
            UpdateExpression: withdrawn
              ? 'SET #kb.#state = :state, #kb.#synced = :synced, #kb.#synced_at = :at REMOVE #kb.#document_key, gsi7pk, gsi7sk, k_kb'
              : 'SET #kb.#state = :state, #kb.#synced = :synced, #kb.#synced_at = :at, #kb.#document_key = :key REMOVE gsi7pk, gsi7sk, k_kb',
            ExpressionAttributeNames: {
              '#revision': 'revision',
              '#kb': 'kb_sync_status',
              '#state': 'state',
              '#synced': 'synced',
              '#synced_at': 'synced_at',
              '#document_key': 'document_key',
            },
            ExpressionAttributeValues: {
              ':revision': input.expectedRevision,
              ':state': withdrawn ? 'NOT_APPLICABLE' : 'SYNCED',
              ':synced': !withdrawn,
              ':at': input.synced_at,
              ...(withdrawn ? {} : { ':key': input.document_key }),
            },
            ...extra,
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw guardedError('UpdateItem', err);
      }
    },

    async markKbSyncFailed(input: MarkKbSyncFailedInput): Promise<number | null> {
      const names = {
        '#kb': 'kb_sync_status',
        '#state': 'state',
        '#attempts': 'sync_attempts',
        '#last': 'last_sync_attempt',
        '#error': 'last_sync_error',
      };
      // Raw UpdateItem, not ElectroDB's `update`: `ADD kb_sync_status.sync_attempts :1` is an atomic
      // counter inside a nested map (ElectroDB's `add` works on top-level attributes only), the condition
      // reads a nested member, and the sparse GSI-7 keys are SET directly (see markKbSynced).
      for (let attempt = 0; attempt < 5; attempt++) {
        // Not a withdrawal: the state becomes FAILED and the incident (re)enters the sparse index.
        try {
          const res = await doc.send(
            new UpdateCommand({
              TableName: table,
              Key: incidentKey(input.incident_id, 0),
              ConditionExpression: 'attribute_exists(#pk) AND #kb.#state <> :withdraw',
              UpdateExpression:
                'SET #kb.#state = :failed, #kb.#synced = :false, #kb.#last = :at, #kb.#error = :error, gsi7pk = :kbpk, gsi7sk = :id, k_kb = :pending ADD #kb.#attempts :one',
              ExpressionAttributeNames: { ...names, '#pk': PK, '#synced': 'synced' },
              ExpressionAttributeValues: {
                ':withdraw': 'WITHDRAW_PENDING',
                ':failed': 'FAILED',
                ':false': false,
                ':at': input.attempted_at,
                ':error': input.error,
                ':kbpk': indexPartition.kbPending(),
                ':id': input.incident_id,
                ':pending': 'PENDING',
                ':one': 1,
              },
              ReturnValues: 'UPDATED_NEW',
              ...extra,
            }),
          );
          return Number((res.Attributes?.kb_sync_status as { sync_attempts?: number } | undefined)?.sync_attempts);
        } catch (err) {
          if (!isConditionFailure(err)) throw guardedError('UpdateItem', err);
        }
        // A pending withdrawal stays WITHDRAW_PENDING; only the attempt is recorded.
        try {
          const res = await doc.send(
            new UpdateCommand({
              TableName: table,
              Key: incidentKey(input.incident_id, 0),
              ConditionExpression: '#kb.#state = :withdraw',
              UpdateExpression: 'SET #kb.#last = :at, #kb.#error = :error ADD #kb.#attempts :one',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: {
                ':withdraw': 'WITHDRAW_PENDING',
                ':at': input.attempted_at,
                ':error': input.error,
                ':one': 1,
              },
              ReturnValues: 'UPDATED_NEW',
              ...extra,
            }),
          );
          return Number((res.Attributes?.kb_sync_status as { sync_attempts?: number } | undefined)?.sync_attempts);
        } catch (err) {
          if (!isConditionFailure(err)) throw guardedError('UpdateItem', err);
        }
        if (!(await getItem(incidentKey(input.incident_id, 0)))) return null;
      }
      throw new IncidentsError('store', `markKbSyncFailed on ${input.incident_id} kept racing with other writers`, {
        userError: false,
      });
    },

    getSyncCursor: syncState.getSyncCursor,
    saveSyncCursor: syncState.saveSyncCursor,
    listSyncCursors: syncState.listSyncCursors,
    enqueueOutbound: syncState.enqueueOutbound,
    listDueOutbound: syncState.listDueOutbound,
    updateOutbound: syncState.updateOutbound,
    listOutbound: syncState.listOutbound,
    countOutbound: syncState.countOutbound,
    setInteractionExternalId: syncState.setInteractionExternalId,

    async getIncidentCollection(incidentId) {
      const items = await readAll(doc, table, [collectionSegment(incidentPartition(incidentId))], extra);
      const out: IncidentCollection = { incident: null, versions: [], interactions: [], sourceRecords: [] };
      for (const item of items) {
        const sk = String(item[SK]);
        if (sk === incidentKey(incidentId, 0)[SK]) out.incident = toIncident(item);
        else if (sk.startsWith(COLLECTION_PREFIX.version)) out.versions.push(toIncident(item));
        else if (sk.startsWith(COLLECTION_PREFIX.interaction)) out.interactions.push(toInteraction(item));
        else if (sk.startsWith(COLLECTION_PREFIX.sourceRecord)) out.sourceRecords.push(toSourceRecord(item));
      }
      return out;
    },

    async querySourceRecords(query, page) {
      let segment: Segment;
      if (query.by === 'priority') {
        segment = indexSegment('gsi1', indexPartition.sourceRecordPriority(query.priority));
      } else if (query.by === 'state') {
        segment = indexSegment('gsi6', indexPartition.sourceRecordState(query.status));
      } else if (query.by === 'source') {
        segment = indexSegment('gsi5', indexPartition.sourceRecordSystem(query.source_system));
      } else {
        throw new ValidationError([{ path: 'by', message: 'expected priority, state or source' }]);
      }
      const res = await pageSegments(doc, table, [segment], { limit: pageLimit(page), cursor: page?.cursor, extra });
      if (query.by !== 'source') return { items: res.items.map(toSourceRecord), cursor: res.cursor };
      const records = (await batchGet(res.items)).map(toSourceRecord);
      return { items: records, cursor: res.cursor };
    },

    async close() {
      if (closed) return;
      closed = true;
      owned?.destroy();
    },
  };
  return store;
}

/** Transactions of a bulk create in flight at once (DynamoDB Local and on-demand tables both take this easily). */
const BULK_CONCURRENCY = 4;
/** Payload budget of one bulk-create transaction, under TransactWriteItems' 4 MB request limit. */
const BULK_CHUNK_BYTES = 3_000_000;

function createActionCount(c: { interactions: readonly unknown[]; sourceRecords: readonly unknown[] }): number {
  return 3 + c.interactions.length + c.sourceRecords.length;
}

/** An upper estimate of a create's request bytes: the record is written twice (version 0 and 1), plus keys. */
function approximateBytes(c: {
  incident: Incident;
  interactions: readonly unknown[];
  sourceRecords: readonly unknown[];
}): number {
  let n = 2 * (JSON.stringify(c.incident).length + 1_024) + 512;
  for (const i of c.interactions) n += JSON.stringify(i).length + 512;
  for (const r of c.sourceRecords) n += JSON.stringify(r).length + 512;
  return n;
}

function guardedError(what: string, err: unknown): IncidentsError {
  if (err instanceof IncidentsError) return err;
  return new IncidentsError('store', `DynamoDB ${what} failed: ${(err as Error)?.message ?? String(err)}`, {
    cause: err,
    userError: false,
  });
}
