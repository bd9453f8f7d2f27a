/**
 * The SDK inside an HTTP service on `node:http`, no framework: a small JSON API over the incident
 * service, with the caller's identity mapped to an actor and every `IncidentsError` mapped to an HTTP
 * status (never a stack trace for a user error). The program starts the service on a free port,
 * calls it as a client would, prints what it got back and stops.
 *
 *   POST /incidents                 create         (body: CreateIncidentInput)
 *   GET  /incidents/:id             get            (the record with the comments the caller may see)
 *   POST /incidents/:id/claim       claim          (the caller takes it)
 *   POST /incidents/:id/comments    addComment     (body: { text, visibility? })
 *
 * Identity: this example trusts an `x-user` header and looks the user up in the store for the role —
 * put your real authentication (session, JWT, mTLS) in `actorOf`.
 *
 * Run: `node --import tsx src/http-service.ts`
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Actor,
  createIncidentService,
  type IncidentService,
  type IncidentStore,
  IncidentsError,
  isIncidentsError,
} from '@incidents/core';
import { createTursoStore } from '@incidents/store-turso';

/** HTTP status of each error code; anything else is a 500 with no detail. */
const STATUS_OF_CODE: Record<string, number> = {
  validation: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
};

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1_000_000) throw new IncidentsError('validation', 'the request body is larger than 1 MB');
    chunks.push(chunk);
  }
  if (chunks.length === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new IncidentsError('validation', 'the request body is not JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** The request handler: routes, identity, use cases, error mapping. */
export function createIncidentsHandler(
  store: IncidentStore,
  incidents: IncidentService,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  async function actorOf(req: IncomingMessage): Promise<Actor> {
    const email = req.headers['x-user'];
    const user = typeof email === 'string' && email ? await store.getUser(email.trim().toLowerCase()) : null;
    if (!user?.active) throw new IncidentsError('unauthenticated', 'unknown or inactive user');
    return { id: user.email, roles: [user.role], team: user.team };
  }

  return async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const [, collection, id, action] = url.pathname.split('/');
      if (collection !== 'incidents') return send(res, 404, { error: 'not_found', message: 'no such route' });
      const ctx = { actor: await actorOf(req) };
      if (req.method === 'POST' && !id) {
        const input = (await readJson(req)) as Parameters<IncidentService['create']>[0];
        return send(res, 201, await incidents.create(input, ctx));
      }
      if (req.method === 'GET' && id && !action) return send(res, 200, await incidents.get(id, ctx));
      if (req.method === 'POST' && id && action === 'claim') return send(res, 200, await incidents.claim(id, ctx));
      if (req.method === 'POST' && id && action === 'comments') {
        const body = (await readJson(req)) as { text?: string; visibility?: 'PUBLIC' | 'INTERNAL' };
        return send(res, 201, await incidents.addComment({ ...body, incident_id: id, text: body.text ?? '' }, ctx));
      }
      return send(res, 405, { error: 'method_not_allowed', message: `${req.method} ${url.pathname}` });
    } catch (err) {
      if (isIncidentsError(err)) {
        return send(res, STATUS_OF_CODE[err.code] ?? 500, { error: err.code, message: err.message });
      }
      console.error(err); // a fault of the system: logged for the operator, not shown to the caller
      return send(res, 500, { error: 'internal_error', message: 'internal error' });
    }
  };
}

async function main(): Promise<void> {
  const store = await createTursoStore({ url: ':memory:' });
  const incidents = createIncidentService({ store });
  const admin = { actor: { id: 'admin@example.com', roles: ['admin' as const] } };
  await incidents.putUser({ email: 'carla@customer.example', name: 'Carla', role: 'customer' }, admin);
  await incidents.putUser({ email: 'ana@example.com', name: 'Ana', role: 'operator' }, admin);

  const handler = createIncidentsHandler(store, incidents);
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const call = async (user: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'x-user': user, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  try {
    const created = await call('carla@customer.example', 'POST', '/incidents', {
      title: 'Invoices page is blank',
      severity: 'HIGH',
    });
    const id = String(created.body.incident_id);
    console.log(`POST /incidents → ${created.status} ${created.body.status} ${created.body.priority}`);

    const claimed = await call('ana@example.com', 'POST', `/incidents/${id}/claim`);
    console.log(`POST /incidents/:id/claim → ${claimed.status} ${claimed.body.status} ${claimed.body.assigned_to}`);

    await call('ana@example.com', 'POST', `/incidents/${id}/comments`, { text: 'Looking at it', visibility: 'PUBLIC' });
    await call('ana@example.com', 'POST', `/incidents/${id}/comments`, { text: 'CDN cache', visibility: 'INTERNAL' });
    const seen = await call('carla@customer.example', 'GET', `/incidents/${id}`);
    console.log(
      `GET /incidents/:id as the customer → ${seen.status}, ${(seen.body.comments as unknown[]).length} comment`,
    );

    const byCustomer = await call('carla@customer.example', 'POST', `/incidents/${id}/claim`);
    console.log(`POST /incidents/:id/claim as the customer → ${byCustomer.status} ${byCustomer.body.error}`);
    const invalid = await call('carla@customer.example', 'POST', '/incidents', { title: '' });
    console.log(`POST /incidents with an empty title → ${invalid.status} ${invalid.body.error}`);
    const stranger = await call('eve@example.com', 'GET', `/incidents/${id}`);
    console.log(`GET /incidents/:id as an unknown user → ${stranger.status} ${stranger.body.error}`);
    const missing = await call('ana@example.com', 'GET', '/incidents/INC-NOPE');
    console.log(`GET /incidents/INC-NOPE → ${missing.status} ${missing.body.error}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
  }
}

await main();
