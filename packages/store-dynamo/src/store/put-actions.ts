/**
 * The hot write path's TransactWriteItems actions, built directly instead of through ElectroDB's
 * `transaction.write(...).params()`. Why: a CPU profile of the lifecycle benchmark (docs/benchmarks.md,
 * "store-dynamo") put ElectroDB's per-request parameter building — attribute validation, key template
 * expansion, expression building — at most of the store's own CPU time per write, for items whose
 * every field the store has just validated with core's zod schemas. These builders write the very
 * same items, keys and conditions as the entities of `../table/entities.ts` (the entities stay the
 * table's single description and serve every other command); `test/put-actions.test.ts` compares
 * both item by item, so a change to an entity that is not mirrored here fails the tests.
 *
 * @module
 */
import type { Entities } from '../table/entities.js';
import { VERSION_WIDTH } from '../table/keys.js';
import type { Item } from './items.js';

/** One action of a TransactWriteItems, in lib-dynamodb's (unmarshalled) shape. */
export type TransactAction = Record<string, unknown>;

const NOT_EXISTS = 'attribute_not_exists(#pk) AND attribute_not_exists(#sk)';

/** Builders of the Put actions of the incident, history-version, interaction and source-guard items. */
export interface PutActions {
  /** Version 0: `create` (must not exist) or a put conditioned on equality of `where`'s attributes. */
  incident(item: Item, where?: Readonly<Record<string, unknown>>): TransactAction;
  /** A history version (must not exist). */
  incidentVersion(item: Item): TransactAction;
  /** A timeline item (must not exist). */
  interaction(item: Item): TransactAction;
  /** The `(source_system, external_id)` uniqueness item (must not exist). */
  sourceGuard(item: { source_system: string; external_id: string; incident_id: string }): TransactAction;
}

/** Creates the builders for one table; the attribute lists come from the entities themselves. */
export function createPutActions(entities: Entities, table: string): PutActions {
  const attributesOf = (entity: unknown): ReadonlySet<string> =>
    new Set(Object.keys((entity as { schema: { attributes: Record<string, unknown> } }).schema.attributes));
  const incidentAttributes = attributesOf(entities.incident);
  const versionAttributes = attributesOf(entities.incidentVersion);
  const interactionAttributes = attributesOf(entities.interaction);
  const pick = (item: Item, allowed: ReadonlySet<string>): Item => {
    const out: Item = {};
    for (const key in item) {
      const value = item[key];
      if (value !== undefined && allowed.has(key)) out[key] = value;
    }
    return out;
  };
  const versionKey = (version: unknown) => `V#${String(version).padStart(VERSION_WIDTH, '0')}`;
  const create = (Item: Item): TransactAction => ({
    Put: {
      Item,
      TableName: table,
      ConditionExpression: NOT_EXISTS,
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
    },
  });

  return {
    incident(item, where) {
      const a = pick(item, incidentAttributes);
      const id = a.incident_id as string;
      // Sparse indexes (entities.ts `condition`): keys only when their derived part is non-empty.
      const full: Item = {
        ...a,
        pk: `INC#${id}`,
        sk: versionKey(a.version),
        gsi1pk: `STATUS#${a.status}`,
        gsi1sk: `${a.priority}#${a.k_created}#${id}`,
        ...(a.k_assignee
          ? { gsi2pk: `ASSIGNEE#${a.k_assignee}`, gsi2sk: `${a.k_status_rank}#${a.priority}#${a.k_created}#${id}` }
          : {}),
        ...(a.k_team ? { gsi3pk: `TEAM#${a.k_team}`, gsi3sk: `${a.k_status_rank}#${a.k_created}#${id}` } : {}),
        gsi4pk: `CATEGORY#${a.category}`,
        gsi4sk: `${a.k_severity_rank}#${a.k_created}#${id}`,
        gsi5pk: `SOURCE#${a.source_system}`,
        gsi5sk: `${a.external_id}`,
        ...(a.k_due ? { gsi6pk: `STATUS#${a.status}`, gsi6sk: `${a.k_due}#${id}` } : {}),
        ...(a.k_kb ? { gsi7pk: `KB#${a.k_kb}`, gsi7sk: id } : {}),
        __edb_e__: 'incident',
        __edb_v__: '1',
      };
      if (!where) return create(full);
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const terms: string[] = [];
      for (const [name, value] of Object.entries(where)) {
        names[`#${name}`] = name;
        values[`:${name}0`] = value;
        terms.push(`#${name} = :${name}0`);
      }
      return {
        Put: {
          Item: full,
          TableName: table,
          ConditionExpression: terms.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      };
    },
    incidentVersion(item) {
      const a = pick(item, versionAttributes);
      return create({
        ...a,
        pk: `INC#${a.incident_id}`,
        sk: versionKey(a.version),
        __edb_e__: 'incident_version',
        __edb_v__: '1',
      });
    },
    interaction(item) {
      const a = pick(item, interactionAttributes);
      return create({
        ...a,
        pk: `INC#${a.incident_id}`,
        sk: `I#${a.k_created}#${a.interaction_id}`,
        __edb_e__: 'interaction',
        __edb_v__: '1',
      });
    },
    sourceGuard(g) {
      return create({
        source_system: g.source_system,
        external_id: g.external_id,
        incident_id: g.incident_id,
        pk: `SOURCE#${g.source_system}#${g.external_id}`,
        sk: 'GUARD',
        __edb_e__: 'source_guard',
        __edb_v__: '1',
      });
    },
  };
}
