/**
 * Flat cost as data grows on DynamoDB Local (issue 18 item 3, DynamoDB half): the timeline (latest 50
 * of one incident) and the two list queries (NEW incidents by priority on GSI-1; my open incidents on
 * GSI-2) through the SDK (`service.timeline`, `service.query`) on one table grown in place ×10 per
 * size, with p50/p95 wall and CPU per page and the capacity units each call consumed
 * (`ReturnConsumedCapacity: TOTAL`, summed over every command of the call).
 *
 *   pnpm --filter @incidents/store-dynamo exec node --import tsx bench/scale.ts
 *   pnpm --filter @incidents/store-dynamo exec node --import tsx bench/scale.ts --max-items 100000 --budget-minutes 25
 *
 * What is counted as an item: every item the data puts in the base table — per incident its version 0,
 * its history version 1 and its `(source_system, external_id)` guard item (3), plus its interactions.
 * A tenth of the incidents carry 100 interactions each (every timeline sample is a full page of 50),
 * so 10 incidents = 130 items (interactions = 10 × incidents, as in the libSQL scale benchmark). GSI
 * entries are not counted (DynamoDB Local keeps them apart; version 0 appears in up to five of them).
 * Sizes: 10,010 / 100,100 / 1,000,090 items (770 / 7,700 / 76,930 incidents). A 1,000-item table
 * (77 incidents) is too small for full pages of the list queries, so the curve starts at 10k.
 *
 * Loading: the incidents through the store's bulk path (`createIncidents`: TransactWriteItems of
 * whole incidents, 4 in flight), or with `--load batch` by BatchWriteItem of the very items
 * `createIncidents` writes (the store's own Put builders over records checked by `IncidentSchema`;
 * no conditions — the data has no collisions); the interactions always with BatchWriteItem (25 items
 * a request, 4 in flight) of exactly the items the store writes, since a busy incident's 103 items do
 * not fit one transaction. DynamoDB Local runs a transaction's items at about a quarter of the rate
 * of BatchWriteItem (one JVM core either way). The load rate is measured on the way, and a size whose extrapolated
 * load time does not fit the remaining budget (`--budget-minutes`, default 25) is skipped with the
 * figures that decided it.
 *
 * Data per size (assignees take contiguous blocks of 2,000 incidents, so every assignee has ~700 open
 * incidents at every size, as one assignee per 2,000 incidents in the libSQL benchmark): status mix
 * NEW 35 %, ASSIGNED 15 %, IN_PROGRESS 15 %, PENDING 5 %, RESOLVED 15 %, CLOSED 15 %; priorities
 * uniform (so NEW of one priority fills a page of 50 at the smallest size too). The list queries draw from what exists at that size. Writes
 * `packages/store-dynamo/bench/results/scale.json`.
 *
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Actor,
  createIncidentService,
  type Incident,
  type IncidentQuery,
  IncidentSchema,
  type Interaction,
  MY_OPEN_STATUSES,
  PRIORITIES,
  type Priority,
  type Status,
} from '@incidents/core';
import { startDynamoLocal } from '@incidents/test-support/dynamodb-local';
import { createDynamoStore, ensureTable } from '../src/index.js';
import { currentItem, interactionItem, versionItem } from '../src/store/items.js';
import { createPutActions } from '../src/store/put-actions.js';

const TARGET = 1.5;
const PAGE = 50;
const TABLE = 'bench-scale';
const ITEMS_PER_TEN = 130;
const PER_ASSIGNEE = 2_000;

function args(argv: readonly string[]) {
  let maxItems = 1_000_000;
  let budgetMinutes = 25;
  let samples = 100;
  let rounds = 3;
  let load: 'transact' | 'batch' = 'transact';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--max-items') maxItems = Number(argv[++i]);
    else if (a === '--budget-minutes') budgetMinutes = Number(argv[++i]);
    else if (a === '--samples') samples = Number(argv[++i]);
    else if (a === '--rounds') rounds = Number(argv[++i]);
    else if (a === '--load') {
      const v = argv[++i];
      if (v !== 'transact' && v !== 'batch') throw new Error('--load takes transact or batch');
      load = v;
    } else if (a === '--') continue;
    else if (a === '--help' || a === '-h') {
      console.log(
        'scale [--max-items N (default 1000000)] [--budget-minutes M (default 25)] [--samples N per round (100)] [--rounds N (3)] [--load transact|batch (incidents by createIncidents, default, or by BatchWriteItem)]',
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (!Number.isInteger(maxItems) || maxItems < 10_000) throw new Error('--max-items takes a whole number ≥ 10000');
  return { maxItems, budgetMinutes, samples, rounds, load };
}

/** Deterministic 32-bit hash of a sequence number (Knuth's multiplicative hash). */
const hash = (n: number, salt = 0) => Math.imul(n + salt * 7919, 2654435761) >>> 0;

const MIX: [Status, number][] = [
  ['NEW', 0.35],
  ['ASSIGNED', 0.15],
  ['IN_PROGRESS', 0.15],
  ['PENDING', 0.05],
  ['RESOLVED', 0.15],
  ['CLOSED', 0.15],
];
function statusOf(n: number): Status {
  let r = (hash(n, 1) % 10_000) / 10_000;
  for (const [s, share] of MIX) {
    if (r < share) return s;
    r -= share;
  }
  return 'CLOSED';
}
const assignee = (k: number) => `op${k}@example.com`;
const incidentId = (n: number) => `INC-S${String(n).padStart(8, '0')}`;
const BASE_MS = Date.parse('2025-01-01T00:00:00.000Z');
const TEXT =
  'checkout returns 502 timeout while calling the payment gateway after the deploy; the certificate expired and the queue backlog kept growing; login fails for some users; disk full on the replica; restarted the proxy and renewed the certificate';

function incident(base: Incident, n: number): Incident {
  const status = statusOf(n);
  const created = new Date(BASE_MS + n * 60_000).toISOString();
  const id = incidentId(n);
  const out: Incident = {
    ...base,
    incident_id: id,
    external_id: id,
    title: `${TEXT.slice(n % 40, (n % 40) + 50)} (${n})`,
    status,
    priority: PRIORITIES[hash(n, 2) % 4] as Priority,
    created_at: created,
    updated_at: created,
  };
  if (status !== 'NEW') {
    out.assigned_to = assignee(Math.floor(n / PER_ASSIGNEE));
    out.assigned_at = created;
  }
  return out;
}

function interactions(n: number): Interaction[] {
  const created = BASE_MS + n * 60_000;
  return Array.from({ length: 100 }, (_, k) => {
    const t = hash(n * 100 + k, 3) % 10;
    const comment = t < 7;
    return {
      interaction_id: `IX${String(n).padStart(8, '0')}${String(k).padStart(3, '0')}`,
      incident_id: incidentId(n),
      type: comment ? 'comment' : t < 9 ? 'status_change' : 'assignment',
      author: assignee(k % 50),
      created_at: new Date(created + (k + 1) * 1000).toISOString(),
      text: TEXT.slice((k * 13) % 60, ((k * 13) % 60) + 60 + ((k * 31) % 101)),
      visibility: comment && hash(k, 4) % 10 < 3 ? 'INTERNAL' : 'PUBLIC',
      source: 'MANUAL',
      revision: 2 + (k % 7),
      metadata: comment ? {} : { from: 'IN_PROGRESS', to: 'PENDING' },
    } as Interaction;
  });
}

const pct = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
};
const r3 = (x: number) => Math.round(x * 1000) / 1000;

interface PageResult {
  p50: number;
  p95: number;
  cpuP50: number;
  cpuP95: number;
  /** Capacity units per call: min / median / max over every timed call. */
  capacity: { min: number; p50: number; max: number };
  /** Items returned per page: min / max. */
  items: { min: number; max: number };
  /** The commands one call ran (e.g. `GetItem + Query`). */
  commands: string;
}

interface SizeResult {
  items: number;
  incidents: number;
  interactions: number;
  loadSeconds: number;
  itemsPerSecond: number;
  /** Items per second of each load path, cumulative. */
  rates: { incidents: number; interactions: number };
  pages: Record<string, PageResult>;
  load: [number, number];
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const o = args(process.argv.slice(2));
  const local = await startDynamoLocal();
  const seen: { command: string; units: number }[] = [];
  local.client.middlewareStack.add(
    // biome-ignore lint/suspicious/noExplicitAny: smithy middleware signature
    (next: any, context: any) => async (input: any) => {
      const out = await next(input);
      const c = out.output?.ConsumedCapacity as ConsumedCapacity | ConsumedCapacity[] | undefined;
      const list = c ? (Array.isArray(c) ? c : [c]) : [];
      seen.push({
        command: String(context.commandName).replace(/Command$/, ''),
        units: list.reduce((s, x) => s + (x.CapacityUnits ?? 0), 0),
      });
      return out;
    },
    { step: 'initialize', name: 'capacity' },
  );
  const started = Date.now();
  const results: SizeResult[] = [];
  const skipped: string[] = [];
  try {
    await ensureTable({ client: local.client, tableName: TABLE });
    const store = createDynamoStore({ tableName: TABLE, client: local.client, returnConsumedCapacity: 'TOTAL' });
    const service = createIncidentService({ store });
    const puts = createPutActions(store.entities, TABLE);
    const admin: Actor = { id: 'admin@example.com', roles: ['admin'] };
    const base = await service.create(
      {
        incident_id: 'INC-BASE',
        title: 'Checkout returns 502',
        description: TEXT.slice(0, 200),
        severity: 'HIGH',
        team: 'payments',
        category: 'Network',
      },
      { actor: admin },
    );
    let loaded = 0; // incidents loaded (INC-BASE not counted: 3 items of 1M)
    let loadMs = 0;
    let itemsLoaded = 0;
    let incidentItemCount = 0;
    let incidentMs = 0;
    let interactionMs = 0;
    const budgetMs = o.budgetMinutes * 60_000;

    const itemOf = (action: unknown) => (action as { Put: { Item: Record<string, unknown> } }).Put.Item;
    /** The items `createIncidents` writes for one incident: version 0, version 1, the source guard. */
    const incidentItems = (i: Incident) => [
      itemOf(puts.incident(currentItem(i))),
      itemOf(puts.incidentVersion(versionItem(i, 1))),
      itemOf(
        puts.sourceGuard({ source_system: i.source_system, external_id: i.external_id, incident_id: i.incident_id }),
      ),
    ];
    /** BatchWriteItem, 25 items a request, 4 requests in flight, unprocessed items retried. */
    async function batchWrite(items: Record<string, unknown>[]) {
      const batches: Record<string, unknown>[][] = [];
      for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
      let next = 0;
      const worker = async () => {
        while (next < batches.length) {
          let pending = (batches[next++] as Record<string, unknown>[]).map((Item) => ({ PutRequest: { Item } }));
          for (let attempt = 0; pending.length > 0; attempt++) {
            const res = await store.client.send(new BatchWriteCommand({ RequestItems: { [TABLE]: pending } }));
            pending = (res.UnprocessedItems?.[TABLE] ?? []) as typeof pending;
            if (pending.length && attempt > 20) throw new Error('BatchWriteItem kept items unprocessed');
            if (pending.length) await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
          }
        }
      };
      await Promise.all(Array.from({ length: 4 }, worker));
    }

    async function loadTo(incidents: number) {
      const t0 = performance.now();
      const chunk = 500;
      for (let start = loaded; start < incidents; start += chunk) {
        const ns = Array.from({ length: Math.min(chunk, incidents - start) }, (_, k) => start + k);
        const tInc = performance.now();
        if (o.load === 'transact') await store.createIncidents(ns.map((n) => ({ incident: incident(base, n) })));
        else await batchWrite(ns.flatMap((n) => incidentItems(IncidentSchema.parse(incident(base, n)) as Incident)));
        incidentMs += performance.now() - tInc;
        const tInt = performance.now();
        const items = ns
          .filter((n) => n % 10 === 0)
          .flatMap((n) => interactions(n).map((i) => itemOf(puts.interaction(interactionItem(i)))));
        await batchWrite(items);
        interactionMs += performance.now() - tInt;
        incidentItemCount += ns.length * 3;
        itemsLoaded += ns.length * 3 + items.length;
        loaded = start + ns.length;
        if (Math.floor(loaded / 10_000) !== Math.floor(start / 10_000))
          console.error(
            `  ${loaded.toLocaleString('en-US')} incidents, ${itemsLoaded.toLocaleString('en-US')} items in ${((loadMs + performance.now() - t0) / 1000).toFixed(0)} s (load ${loadavg()[0]?.toFixed(2)})`,
          );
      }
      seen.length = 0;
      loadMs += performance.now() - t0;
    }

    const sizes = [10_000, 100_000, 1_000_000].filter((s) => s <= o.maxItems);
    for (const size of sizes) {
      const incidents = Math.ceil(size / ITEMS_PER_TEN) * 10;
      const items = (incidents / 10) * ITEMS_PER_TEN;
      if (itemsLoaded > 0) {
        const rate = itemsLoaded / (loadMs / 1000);
        const need = (items - itemsLoaded) / rate;
        const left = (budgetMs - loadMs) / 1000;
        if (need > left) {
          const why = `${items.toLocaleString('en-US')} items skipped: ${(items - itemsLoaded).toLocaleString('en-US')} more at the measured ${rate.toFixed(0)} items/s ≈ ${(need / 60).toFixed(1)} min, ${(left / 60).toFixed(1)} min of the ${o.budgetMinutes}-minute load budget left`;
          console.log(why);
          skipped.push(why);
          break;
        }
      }
      console.log(
        `» ${items.toLocaleString('en-US')} items (${incidents.toLocaleString('en-US')} incidents, ${(incidents * 10).toLocaleString('en-US')} interactions), load ${loadavg()[0]?.toFixed(2)}`,
      );
      await loadTo(incidents);
      const rate = itemsLoaded / (loadMs / 1000);
      console.log(
        `  loaded: ${itemsLoaded.toLocaleString('en-US')} items in ${(loadMs / 1000).toFixed(0)} s in all (${rate.toFixed(0)} items/s; incidents by ${o.load === 'transact' ? 'createIncidents' : 'BatchWriteItem'} ${(incidentItemCount / (incidentMs / 1000)).toFixed(0)} items/s, interactions by BatchWriteItem ${((itemsLoaded - incidentItemCount) / (interactionMs / 1000)).toFixed(0)} items/s)`,
      );

      let rnd = 12345 + size;
      const random = () => {
        rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0;
        return rnd / 2 ** 32;
      };
      const busy = incidents / 10;
      const assignees = Math.ceil(incidents / PER_ASSIGNEE);
      const opActor: Actor = { id: 'op0@example.com', roles: ['operator'] };
      type Key = { kind: 'timeline'; id: string } | { kind: 'query'; q: IncidentQuery; actor: Actor };
      const kinds: Record<string, () => Key> = {
        'timeline (latest 50)': () => ({ kind: 'timeline', id: incidentId(Math.floor(random() * busy) * 10) }),
        'NEW incidents by priority': () => {
          const p = Math.floor(random() * 5);
          return {
            kind: 'query',
            q: p === 4 ? { by: 'status', status: 'NEW' } : { by: 'status', status: 'NEW', priority: PRIORITIES[p] },
            actor: opActor,
          };
        },
        'my open incidents': () => {
          const who = assignee(Math.floor(random() * assignees));
          return {
            kind: 'query',
            q: { by: 'assignee', assigned_to: who, status: MY_OPEN_STATUSES },
            actor: { id: who, roles: ['operator'] },
          };
        },
      };
      const read = async (k: Key): Promise<number> =>
        k.kind === 'timeline'
          ? (await service.timeline(k.id, { limit: PAGE }, { actor: opActor })).items.length
          : (await service.query(k.q, { limit: PAGE }, { actor: k.actor })).items.length;
      const loadStart = loadavg()[0] ?? 0;
      const samples: Record<
        string,
        { wall: number[]; cpu: number[]; units: number[]; items: number[]; commands: string }
      > = {};
      for (const name of Object.keys(kinds)) samples[name] = { wall: [], cpu: [], units: [], items: [], commands: '' };
      for (const [, next] of Object.entries(kinds)) for (let i = 0; i < 30; i++) await read(next());
      const names = Object.keys(kinds);
      for (let r = 0; r < o.rounds; r++) {
        for (let v = 0; v < names.length; v++) {
          const name = names[(v + r) % names.length] as string;
          const next = kinds[name] as () => Key;
          const s = samples[name] as (typeof samples)[string];
          for (let i = 0; i < o.samples; i++) {
            const key = next();
            seen.length = 0;
            const cpu0 = process.cpuUsage();
            const t0 = performance.now();
            const n = await read(key);
            s.wall.push(performance.now() - t0);
            const cpu = process.cpuUsage(cpu0);
            s.cpu.push((cpu.user + cpu.system) / 1000);
            s.units.push(seen.reduce((a, x) => a + x.units, 0));
            s.items.push(n);
            s.commands = seen.map((x) => x.command).join(' + ');
          }
        }
      }
      const result: SizeResult = {
        items,
        incidents,
        interactions: incidents * 10,
        loadSeconds: Math.round(loadMs / 100) / 10,
        itemsPerSecond: Math.round(rate),
        rates: {
          incidents: Math.round(incidentItemCount / (incidentMs / 1000)),
          interactions: Math.round((itemsLoaded - incidentItemCount) / (interactionMs / 1000)),
        },
        pages: {},
        load: [loadStart, loadavg()[0] ?? 0],
      };
      for (const [name, s] of Object.entries(samples)) {
        result.pages[name] = {
          p50: r3(pct(s.wall, 50)),
          p95: r3(pct(s.wall, 95)),
          cpuP50: r3(pct(s.cpu, 50)),
          cpuP95: r3(pct(s.cpu, 95)),
          capacity: { min: Math.min(...s.units), p50: pct(s.units, 50), max: Math.max(...s.units) },
          items: { min: Math.min(...s.items), max: Math.max(...s.items) },
          commands: s.commands,
        };
        const p = result.pages[name] as PageResult;
        console.log(
          `  ${name}: p50 ${p.p50} / p95 ${p.p95} ms, CPU p95 ${p.cpuP95} ms; capacity per call ${p.capacity.min}–${p.capacity.max} (median ${p.capacity.p50}); ${p.items.min}–${p.items.max} items; ${p.commands}`,
        );
      }
      results.push(result);
    }

    // One call of each list query with its request printed: key conditions only, no FilterExpression.
    const requests: Record<string, unknown>[] = [];
    local.client.middlewareStack.add(
      // biome-ignore lint/suspicious/noExplicitAny: smithy middleware signature
      (next: any, context: any) => async (input: any) => {
        if (context.commandName === 'QueryCommand') requests.push({ ...input.input });
        return next(input);
      },
      { step: 'initialize', name: 'requests' },
    );
    await service.query({ by: 'status', status: 'NEW', priority: 'P2' }, { limit: PAGE }, { actor: admin });
    await service.query(
      { by: 'assignee', assigned_to: assignee(0), status: MY_OPEN_STATUSES },
      { limit: PAGE },
      { actor: { id: assignee(0), roles: ['operator'] } },
    );
    await service.timeline(incidentId(0), { limit: PAGE }, { actor: admin });
    const shown = requests.map((r) => {
      const { ExclusiveStartKey: _k, ...rest } = r;
      return rest;
    });
    const filters = shown.filter((r) => 'FilterExpression' in r).length;
    console.log(`Query requests of one call each (NEW P2; my open; timeline): ${filters} with a FilterExpression`);
    for (const r of shown) console.log(`  ${JSON.stringify(r)}`);

    if (results.length === 0) throw new Error('no size measured');
    const first = results[0] as SizeResult;
    const last = results.at(-1) as SizeResult;
    const lines = [
      '',
      `| items | incidents | interactions | load s (cumulative) | items/s | ${Object.keys(first.pages)
        .map((k) => `${k} p50 / p95 ms (CPU p95) · RCU per call`)
        .join(' | ')} | load |`,
      `|--:|--:|--:|--:|--:|${Object.keys(first.pages)
        .map(() => '--:')
        .join('|')}|--:|`,
      ...results.map(
        (r) =>
          `| ${r.items.toLocaleString('en-US')} | ${r.incidents.toLocaleString('en-US')} | ${r.interactions.toLocaleString('en-US')} | ${r.loadSeconds} | ${r.itemsPerSecond} | ${Object.values(
            r.pages,
          )
            .map(
              (p) =>
                `${p.p50} / ${p.p95} (${p.cpuP95}) · ${p.capacity.min === p.capacity.max ? p.capacity.min : `${p.capacity.min}–${p.capacity.max}`}`,
            )
            .join(' | ')} | ${r.load[0].toFixed(2)} → ${r.load[1].toFixed(2)} |`,
      ),
      '',
      '| page | p95 smallest | p95 largest | ratio (wall) | ratio (CPU p95) | capacity per call smallest → largest | target ≤ 1.5× |',
      '|---|--:|--:|--:|--:|---|---|',
      ...Object.keys(first.pages).map((k) => {
        const a = first.pages[k] as PageResult;
        const b = last.pages[k] as PageResult;
        const ratio = b.p95 / a.p95;
        return `| ${k} | ${a.p95} | ${b.p95} | ${(ratio).toFixed(2)}× | ${(b.cpuP95 / a.cpuP95).toFixed(2)}× | ${a.capacity.p50} → ${b.capacity.p50} (max ${a.capacity.max} → ${b.capacity.max}) | ${ratio <= TARGET ? 'PASS' : 'FAIL'} |`;
      }),
      ...skipped,
    ];
    console.log(lines.join('\n'));
    const out = fileURLToPath(new URL('./results/scale.json', import.meta.url));
    await mkdir(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
    await writeFile(
      out,
      `${JSON.stringify(
        {
          benchmark: 'scale-dynamo',
          command:
            `pnpm --filter @incidents/store-dynamo exec node --import tsx bench/scale.ts ${process.argv.slice(2).join(' ')}`.trim(),
          date: new Date(started).toISOString(),
          target: TARGET,
          load:
            o.load === 'transact' ? 'incidents by createIncidents (TransactWriteItems)' : 'incidents by BatchWriteItem',
          counted:
            'items in the base table: version 0 + history version 1 + source guard per incident, plus interactions',
          results,
          skipped,
          requests: shown,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await local.stop();
  }
}
