/**
 * A local BMC Remedy / Helix AR System REST server: `POST /api/jwt/login` (form username/password →
 * token text), `Authorization: AR-JWT <token>`, `GET /api/arsys/v1/entry/{form}` with `q`,
 * `offset`, `limit`, `_links.next`, `POST` (201 + Location) and `PUT /entry/{form}/{id}` (204).
 * Shapes follow docs.bmc.com "Operations on entry objects" and "Access and authentication for the REST API".
 *
 * Like BMC Helix ITSM, incidents are modified through the `HPD:IncidentInterface` form (BMC's
 * integration form "to search, read, or update an existing incident"): a `PUT` to `HPD:Help Desk`
 * is refused by the form's workflow, and a Pending or Resolved status without `Status_Reason` is
 * refused as a required field left blank.
 */
import { startVendorServer, type VendorServer } from './vendor-server.js';

export interface RemedyServer extends VendorServer {
  entries: Array<Record<string, unknown>>;
  worklogs: Array<Record<string, unknown>>;
  /** Tokens currently valid. */
  tokens: Set<string>;
  logins: number;
  /** Run after the next entry-list requests, one per request (an entry modified between two pages). */
  afterList: Array<() => void>;
}

/** BMC's interface form for modifying incidents (keyed by the incident's Request ID). */
const INTERFACE_FORM = 'HPD:IncidentInterface';
/** Statuses whose `Status_Reason` is a required field. */
const STATUSES_WITH_REASON = new Set(['Pending', 'Resolved']);

function remedyDate(iso: string): string {
  return new Date(iso).toISOString().replace('Z', '+0000');
}

/** Evaluates the small qualification subset the connector sends. */
function matches(values: Record<string, unknown>, qual: string | null): boolean {
  if (!qual) return true;
  const modified = Math.floor(Date.parse(String(values['Last Modified Date'])) / 1000);
  const since = /'Last Modified Date' >= (\d+)/.exec(qual);
  if (since && modified < Number(since[1])) return false;
  // The keyset condition: after (modified, Request ID).
  const after =
    /\('Last Modified Date' > (\d+)\) OR \('Last Modified Date' = (\d+) AND 'Request ID' > "([^"]*)"\)/.exec(qual);
  if (after) {
    const id = String(values['Request ID'] ?? '');
    if (!(modified > Number(after[1]) || (modified === Number(after[2]) && id > (after[3] ?? '')))) return false;
  }
  const numbers = [...qual.matchAll(/'Incident Number' = "([^"]*)"/g)].map((m) => m[1]);
  if (numbers.length && !numbers.includes(String(values['Incident Number']))) return false;
  return true;
}

export async function startRemedyServer(credentials: { username: string; password: string }): Promise<RemedyServer> {
  let server!: RemedyServer;
  const base = await startVendorServer({
    authorize: (req) => {
      if (req.path === '/api/jwt/login') return true;
      const auth = String(req.headers.authorization ?? '');
      return auth.startsWith('AR-JWT ') && server.tokens.has(auth.slice(7));
    },
    unauthorized: {
      status: 401,
      body: [{ messageType: 'ERROR', messageText: 'Authentication failed', messageNumber: 623 }],
    },
  });
  server = base as RemedyServer;
  server.entries = [];
  server.worklogs = [];
  server.tokens = new Set();
  server.logins = 0;
  server.afterList = [];

  base.route('POST', '/api/jwt/login', (req) => {
    if (req.form.get('username') !== credentials.username || req.form.get('password') !== credentials.password) {
      return {
        status: 401,
        body: [{ messageType: 'ERROR', messageText: 'Authentication failed', messageNumber: 623 }],
      };
    }
    server.logins += 1;
    const token = `tok-${server.logins}-${Math.random().toString(36).slice(2)}`;
    server.tokens.add(token);
    return { headers: { 'content-type': 'text/plain' }, body: token };
  });

  const list = (rows: Array<Record<string, unknown>>, req: { query: URLSearchParams }, form: string) => {
    const filtered = rows
      .filter((v) => matches(v, req.query.get('q')))
      .sort(
        (a, b) =>
          Date.parse(String(a['Last Modified Date'] ?? a['Submit Date'])) -
            Date.parse(String(b['Last Modified Date'] ?? b['Submit Date'])) ||
          String(a['Request ID'] ?? '').localeCompare(String(b['Request ID'] ?? '')),
      );
    const offset = Number(req.query.get('offset') ?? 0);
    const limit = Number(req.query.get('limit') ?? 1000);
    const page = filtered.slice(offset, offset + limit);
    const self = `${base.url}/api/arsys/v1/entry/${encodeURIComponent(form)}`;
    return {
      body: {
        entries: page.map((values) => ({
          values,
          _links: { self: [{ href: `${self}/${String(values['Request ID'] ?? values['Work Log ID'])}` }] },
        })),
        _links: {
          self: [{ href: `${self}?offset=${offset}&limit=${limit}` }],
          ...(offset + limit < filtered.length
            ? { next: [{ href: `${self}?offset=${offset + limit}&limit=${limit}` }] }
            : {}),
        },
      },
    };
  };

  base.route('GET', '/api/arsys/v1/entry/:form', (req, { form }) => {
    if (form === INTERFACE_FORM) return list(server.entries, req, form);
    if (form === 'HPD:Help Desk') {
      const reply = list(server.entries, req, form);
      server.afterList.shift()?.();
      return reply;
    }
    if (form === 'HPD:WorkLog') return list(server.worklogs, req, form);
    return {
      status: 404,
      body: [{ messageType: 'ERROR', messageText: 'Form does not exist on server', messageNumber: 303 }],
    };
  });

  base.route('POST', '/api/arsys/v1/entry/:form', (req, { form }) => {
    if (form !== 'HPD:WorkLog')
      return { status: 400, body: [{ messageType: 'ERROR', messageText: 'unsupported form' }] };
    const values = (req.json as { values: Record<string, unknown> }).values;
    const id = `WLG${String(server.worklogs.length + 1).padStart(12, '0')}`;
    server.worklogs.push({
      ...values,
      'Work Log ID': id,
      Submitter: credentials.username,
      'Submit Date': remedyDate(new Date(Date.now() + server.worklogs.length).toISOString()),
    });
    return { status: 201, headers: { location: `${base.url}/api/arsys/v1/entry/HPD:WorkLog/${id}` } };
  });

  base.route('PUT', '/api/arsys/v1/entry/:form/:id', (req, { form, id }) => {
    if (form !== INTERFACE_FORM)
      return {
        status: 400,
        body: [
          {
            messageType: 'ERROR',
            messageText: `Incidents cannot be modified on ${form}: use ${INTERFACE_FORM}`,
            messageNumber: 1291053,
          },
        ],
      };
    const values = (req.json as { values: Record<string, unknown> }).values;
    if (STATUSES_WITH_REASON.has(String(values.Status)) && !values.Status_Reason)
      return {
        status: 400,
        body: [
          {
            messageType: 'ERROR',
            messageText: 'Required field cannot be blank.',
            messageAppendedText: 'Status_Reason',
            messageNumber: 326,
          },
        ],
      };
    const entry = server.entries.find((e) => e['Request ID'] === id);
    if (!entry)
      return {
        status: 404,
        body: [{ messageType: 'ERROR', messageText: 'Entry does not exist in database', messageNumber: 302 }],
      };
    const { 'z1D Action': _action, ...written } = values;
    Object.assign(entry, written, {
      'Last Modified Date': remedyDate(new Date().toISOString()),
    });
    return { status: 204 };
  });

  return server;
}

export function makeRemedyEntry(n: number, modified: string): Record<string, unknown> {
  const number = `INC${String(n).padStart(12, '0')}`;
  return {
    'Request ID': `${String(n).padStart(15, '0')}`,
    'Entry ID': `${String(n).padStart(15, '0')}`,
    'Incident Number': number,
    Description: `Incident ${n}`,
    'Detailed Decription': `Details of ${n}`,
    Status: 'Assigned',
    Priority: 'High',
    'Assigned Group': 'Service Desk',
    'Submit Date': remedyDate('2026-01-01T00:00:00Z'),
    'Last Modified Date': remedyDate(modified),
  };
}
