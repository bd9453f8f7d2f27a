/**
 * Credentials reflected by a vendor never reach an error, the engine's stored error texts or its
 * status: each connector runs against its local vendor server answering with pages that echo the
 * request (headers, body, query; also base64-, percent- and JSON-encoded), on the pull, the login
 * and the push paths.
 */
import { type Actor, collectAll, createIncidentService } from '@incidents/core';
import { createTursoStore, type TursoStore } from '@incidents/store-turso';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSyncEngine } from '../src/engine/index.js';
import { ConnectorError } from '../src/errors.js';
import { dumpRequest, ECHO, type FaultReply } from '@incidents/test-support/servers/vendor-server';
import { type Fixture, FIXTURES } from './vendors.js';
import { pullAll } from './transport-faults.js';

const ana: Actor = { id: 'ana@example.com', roles: ['operator'] };

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Every form of every secret found in `text`. */
function leaked(text: string, f: Fixture): string[] {
  const forms = f.secrets.flatMap((s) => [
    s,
    b64(s),
    b64(s).replace(/=+$/, ''),
    encodeURIComponent(s),
    new URLSearchParams({ s }).toString().slice(2),
    JSON.stringify(s).slice(1, -1).replace(/\//g, '\\/'),
  ]);
  forms.push(...f.basicPairs.flatMap((p) => [b64(p), b64(p).replace(/=+$/, '')]));
  return [...new Set(forms)].filter((form) => text.includes(form));
}

/** Everything an error can show: message, JSON, stack and its cause chain. */
function everything(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 6; depth++) {
    if (e instanceof Error) {
      parts.push(e.message, String(e.stack));
      if (e instanceof ConnectorError) parts.push(JSON.stringify(e.toJSON()));
      e = (e as { cause?: unknown }).cause;
    } else {
      parts.push(JSON.stringify(e) ?? String(e));
      e = undefined;
    }
  }
  return parts.join('\n');
}

const GENERIC: Array<[string, FaultReply]> = Object.entries(ECHO);

describe.each(Object.keys(FIXTURES))('%s: reflected credentials', (name) => {
  let f: Fixture;
  let store: TursoStore;
  beforeEach(async () => {
    f = await (FIXTURES[name] as () => Promise<Fixture>)();
    store = await createTursoStore({ url: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
    await f.server.close();
  });

  it('the local server really echoes the credentials (the test can fail)', async () => {
    f.seed();
    let echoed = '';
    f.server.failNext(f.pullPath, (req) => {
      echoed = dumpRequest(req);
      return ECHO.html500(req);
    });
    await pullAll(f.connector).catch(() => undefined);
    if (f.loginPath) {
      f.server.failNext(f.loginPath, (req) => {
        echoed += dumpRequest(req);
        return ECHO.json400(req);
      });
      const fresh = await (FIXTURES[name] as () => Promise<Fixture>)();
      fresh.server.failNext(f.loginPath, (req) => {
        echoed += dumpRequest(req);
        return ECHO.json400(req);
      });
      await pullAll(fresh.connector).catch(() => undefined);
      await fresh.server.close();
    }
    expect(leaked(echoed, f).length).toBeGreaterThan(0);
  });

  it('no pull error carries a secret in any form', async () => {
    f.seed();
    const replies = [...GENERIC.map(([, r]) => r), ...f.vendorEchoes];
    const paths = [f.pullPath, ...(f.loginPath ? [f.loginPath] : [])];
    for (const path of paths) {
      for (const reply of replies) {
        const fixture = await (FIXTURES[name] as () => Promise<Fixture>)();
        fixture.seed();
        fixture.server.failNext(path, reply);
        const err = await pullAll(fixture.connector).then(
          () => null,
          (e: unknown) => e,
        );
        await fixture.server.close();
        if (err === null) continue; // a login echo on a 200 text body is taken as the token: see below
        expect(err).toBeInstanceOf(ConnectorError);
        expect(leaked(everything(err), fixture), `${path} ${String((err as Error).message).slice(0, 80)}`).toEqual([]);
      }
    }
  });

  it('stored and reported error texts (cursor, outbound queue, status, summary) carry no secret', async () => {
    f.seed();
    const engine = createSyncEngine({ store, connectors: [f.connector], backoff: () => 0 });
    // 1. a pull whose error page echoes the request
    f.server.failNext(f.pullPath, ECHO.text400);
    const failed = await engine.pull(f.connector.name);
    expect(failed.errors).toHaveLength(1);
    expect(leaked(JSON.stringify(failed), f)).toEqual([]);
    const cursor = await store.getSyncCursor(f.connector.name);
    expect(cursor?.last_error).toEqual(expect.any(String));
    expect(leaked(JSON.stringify(cursor), f)).toEqual([]);
    // 2. a push whose error echoes the request
    const ok = await engine.pull(f.connector.name);
    expect(ok.errors).toEqual([]);
    const [incident] = (await store.queryIncidents({ by: 'source', source_system: f.connector.sourceSystem }, {}))
      .items;
    expect(incident).toBeDefined();
    await createIncidentService({ store }).addComment(
      { incident_id: incident?.incident_id ?? '', text: 'We restarted the pool' },
      { actor: ana },
    );
    f.server.failNext(f.pushPath, ECHO.text400);
    const pushed = await engine.push(f.connector.name);
    expect(pushed.totals.failed + pushed.totals.dead).toBe(1);
    const items = await collectAll((c) => store.listOutbound({}, { cursor: c, limit: 100 }));
    expect(items.some((i) => i.error_message)).toBe(true);
    expect(leaked(JSON.stringify(items), f)).toEqual([]);
    const status = await engine.status();
    expect(leaked(JSON.stringify(status), f)).toEqual([]);
  });
});
