/**
 * A local ServiceNow Table API server: `GET /api/now/table/incident` (encoded `sysparm_query` with
 * `^` / `^NQ`, comparisons on `sys_updated_on` / `sys_id`; plain date-time literals compared with the
 * stored UTC value, `javascript:gs.dateGenerate(date, time)` read in the integration user's time
 * zone `timeZone` as the real instance does; sysparm_limit/offset; rows hidden by ACLs removed after
 * the page is cut, with a `Link` header carrying `rel="next"`; sysparm_display_value),
 * `PATCH /api/now/table/incident/{sys_id}` (comments, work_notes, state, close_code, close_notes),
 * `sys_journal_field` and `sys_audit_delete` (paged and ACL-filtered like the incident list). Shapes follow the Table API reference (docs.servicenow.com).
 */
import { type RecordedRequest, startVendorServer, type VendorServer, zonedToUtc } from './vendor-server.js';

export interface SnRecord {
  sys_id: string;
  number: string;
  short_description: string;
  state: string;
  priority: string;
  sys_updated_on: string; // "YYYY-MM-DD HH:mm:ss" UTC
  sys_created_on: string;
  close_code?: string;
  close_notes?: string;
  hold_reason?: string;
}

export interface SnJournal {
  sys_id: string;
  element: 'comments' | 'work_notes';
  element_id: string;
  value: string;
  sys_created_on: string;
  sys_created_by: string;
}

export interface ServiceNowServer extends VendorServer {
  records: SnRecord[];
  journal: SnJournal[];
  /** sys_ids the integration user's ACLs hide (removed from a page after the query). */
  hidden: Set<string>;
  /** Run after the next list requests, one per request (a record changed between two pages). */
  afterList: Array<() => void>;
  /** The integration user's time zone, in which `gs.dateGenerate()` reads its arguments. */
  timeZone: string;
  /** `sys_audit_delete` rows (kept for every audited table). */
  auditDeletes: Array<{ sys_id: string; tablename: string; documentkey: string; sys_created_on: string }>;
  /** Deletes a record as ServiceNow does: gone from the table, a `sys_audit_delete` row written. */
  deleteRecord(sysId: string, at?: string): void;
}

interface Condition {
  field: string;
  op: string;
  value: string;
}

/** An encoded query as OR-ed branches of AND-ed conditions (ORDERBY parts left out). */
function parseEncodedQuery(q: string, timeZone: string): Condition[][] {
  return q.split('^NQ').map((branch) =>
    branch
      .split('^')
      .filter((c) => c && !c.startsWith('ORDERBY'))
      .flatMap((c) => {
        const m = /^([a-z_.]+)(>=|<=|!=|>|<|=)(.*)$/.exec(c);
        if (!m) return [];
        let value = m[3] ?? '';
        const generated = /^javascript:gs\.dateGenerate\('([\d-]+)','([\d:]+)'\)$/.exec(value);
        if (generated) value = zonedToUtc(generated[1] ?? '', generated[2] ?? '', timeZone);
        return [{ field: m[1] ?? '', op: m[2] ?? '', value }];
      }),
  );
}

/** Conditions on fields the records have; others (`active=true`…) are taken as true. */
function test(record: SnRecord, c: Condition): boolean {
  const actual = (record as unknown as Record<string, unknown>)[c.field];
  if (typeof actual !== 'string') return true;
  switch (c.op) {
    case '>=':
      return actual >= c.value;
    case '<=':
      return actual <= c.value;
    case '>':
      return actual > c.value;
    case '<':
      return actual < c.value;
    case '!=':
      return actual !== c.value;
    default:
      return actual === c.value;
  }
}

const STATE_LABELS: Record<string, string> = {
  '1': 'New',
  '2': 'In Progress',
  '3': 'On Hold',
  '6': 'Resolved',
  '7': 'Closed',
  '8': 'Canceled',
};
const PRIORITY_LABELS: Record<string, string> = {
  '1': '1 - Critical',
  '2': '2 - High',
  '3': '3 - Moderate',
  '4': '4 - Low',
  '5': '5 - Planning',
};

/** ServiceNow's answer to a read or write of a `sys_id` that does not exist (or the ACL hides). */
const NO_RECORD = {
  status: 404,
  body: {
    error: { message: 'No Record found', detail: "Record doesn't exist or ACL restricts the record retrieval" },
    status: 'failure',
  },
};

export function snNow(offsetSeconds = 0): string {
  return new Date(Date.now() + offsetSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

export async function startServiceNowServer(credentials: {
  username: string;
  password: string;
}): Promise<ServiceNowServer> {
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const base = await startVendorServer({
    authorize: (req) => req.headers.authorization === expected,
    unauthorized: {
      status: 401,
      body: {
        error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' },
        status: 'failure',
      },
    },
  });
  const server = base as ServiceNowServer;
  server.records = [];
  server.journal = [];
  server.hidden = new Set();
  server.afterList = [];
  server.timeZone = 'America/Los_Angeles';

  const render = (r: SnRecord, mode: string | null) => {
    const fields: Record<string, [string, string]> = {
      sys_id: [r.sys_id, r.sys_id],
      number: [r.number, r.number],
      short_description: [r.short_description, r.short_description],
      description: ['', ''],
      state: [r.state, STATE_LABELS[r.state] ?? r.state],
      priority: [r.priority, PRIORITY_LABELS[r.priority] ?? r.priority],
      category: ['software', 'Software'],
      assignment_group: ['d625dccec0a8016700a222a0f7900d06', 'Service Desk'],
      sys_updated_on: [r.sys_updated_on, r.sys_updated_on],
      sys_created_on: [r.sys_created_on, r.sys_created_on],
      opened_at: [r.sys_created_on, r.sys_created_on],
      close_code: [r.close_code ?? '', r.close_code ?? ''],
      close_notes: [r.close_notes ?? '', r.close_notes ?? ''],
    };
    return Object.fromEntries(
      Object.entries(fields).map(([k, [value, display]]) => [
        k,
        mode === 'all' ? { display_value: display, value } : mode === 'true' ? display : value,
      ]),
    );
  };

  /**
   * One page of a Table API list, like the real instance: the page is cut first, then rows the
   * user's ACLs hide (`hidden`, by sys_id) are removed; a `Link` header carries `rel="next"` while
   * rows remain after the window.
   */
  const listPage = <R extends { sys_id: string }>(req: RecordedRequest, path: string, all: R[]) => {
    const limit = Number(req.query.get('sysparm_limit') ?? 10000);
    const offset = Number(req.query.get('sysparm_offset') ?? 0);
    const page = all.slice(offset, offset + limit).filter((r) => !server.hidden.has(r.sys_id));
    const link = (o: number, rel: string) => {
      const params = new URLSearchParams(req.query);
      params.set('sysparm_offset', String(o));
      return `<${base.url}${path}?${params}>;rel="${rel}"`;
    };
    const links = [link(0, 'first')];
    if (offset + limit < all.length) links.push(link(offset + limit, 'next'));
    links.push(link(Math.max(0, Math.floor((all.length - 1) / limit) * limit), 'last'));
    return { page, headers: { 'x-total-count': String(all.length), link: links.join(',') } };
  };

  base.route('GET', '/api/now/table/incident', (req) => {
    const q = req.query.get('sysparm_query') ?? '';
    const branches = parseEncodedQuery(q, server.timeZone);
    const all = server.records
      .filter((r) => branches.some((conds) => conds.every((c) => test(r, c))))
      .sort((a, b) => a.sys_updated_on.localeCompare(b.sys_updated_on) || a.sys_id.localeCompare(b.sys_id));
    const { page, headers } = listPage(req, '/api/now/table/incident', all);
    const reply = {
      headers,
      body: { result: page.map((r) => render(r, req.query.get('sysparm_display_value'))) },
    };
    server.afterList.shift()?.();
    return reply;
  });

  base.route('GET', '/api/now/table/incident/:id', (req, { id }) => {
    const record = server.records.find((r) => r.sys_id === id);
    if (!record) return NO_RECORD;
    const fields = (req.query.get('sysparm_fields') ?? '').split(',').filter(Boolean);
    const rendered = render(record, req.query.get('sysparm_display_value'));
    return {
      body: { result: fields.length ? Object.fromEntries(fields.map((f) => [f, rendered[f] ?? ''])) : rendered },
    };
  });

  base.route('PATCH', '/api/now/table/incident/:id', (req, { id }) => {
    const record = server.records.find((r) => r.sys_id === id);
    if (!record) return NO_RECORD;
    const body = req.json as Record<string, string>;
    for (const element of ['comments', 'work_notes'] as const) {
      const value = body[element];
      if (value) {
        server.journal.push({
          sys_id: `j${server.journal.length + 1}`.padEnd(32, '0'),
          element,
          element_id: record.sys_id,
          value,
          sys_created_on: snNow(server.journal.length),
          sys_created_by: credentials.username,
        });
      }
    }
    for (const key of ['state', 'close_code', 'close_notes', 'hold_reason'] as const) {
      if (body[key] !== undefined) record[key] = body[key];
    }
    record.sys_updated_on = snNow();
    return { body: { result: { sys_id: record.sys_id, sys_updated_on: record.sys_updated_on } } };
  });

  server.auditDeletes = [];
  server.deleteRecord = (sysId, at = snNow()) => {
    server.records = server.records.filter((r) => r.sys_id !== sysId);
    server.auditDeletes.push({
      sys_id: `audit-${server.auditDeletes.length + 1}`,
      tablename: 'incident',
      documentkey: sysId,
      sys_created_on: at,
    });
  };
  base.route('GET', '/api/now/table/sys_audit_delete', (req) => {
    const branches = parseEncodedQuery(req.query.get('sysparm_query') ?? '', server.timeZone);
    const rows = server.auditDeletes.filter((row) =>
      branches.some((conds) => conds.every((c) => test(row as unknown as SnRecord, c))),
    );
    const { page, headers } = listPage(req, '/api/now/table/sys_audit_delete', rows);
    return { headers, body: { result: page } };
  });

  base.route('GET', '/api/now/table/sys_journal_field', (req) => {
    const q = req.query.get('sysparm_query') ?? '';
    const inIds = /element_idIN([^^]+)/.exec(q)?.[1]?.split(',');
    const oneId = /element_id=([^^]+)/.exec(q)?.[1];
    const element = /\^element=([^^]+)/.exec(q)?.[1];
    const desc = q.includes('ORDERBYDESCsys_created_on');
    let rows = server.journal.filter(
      (j) => (inIds ? inIds.includes(j.element_id) : j.element_id === oneId) && (!element || j.element === element),
    );
    rows = rows.sort((a, b) => a.sys_created_on.localeCompare(b.sys_created_on) || a.sys_id.localeCompare(b.sys_id));
    if (desc) rows.reverse();
    const { page, headers } = listPage(req, '/api/now/table/sys_journal_field', rows);
    return { headers, body: { result: page } };
  });

  return server;
}

export function makeSnRecord(n: number, updated: string): SnRecord {
  return {
    sys_id: `sys${String(n).padStart(29, '0')}`,
    number: `INC${String(n).padStart(7, '0')}`,
    short_description: `Incident ${n}`,
    state: '2',
    priority: '2',
    sys_updated_on: updated,
    sys_created_on: '2026-01-01 00:00:00',
  };
}
