/**
 * Credentials reflected by a vendor never reach an error, the engine's stored error texts or its
 * status: each connector runs against its local vendor server answering with pages that echo the
 * request (headers, body, query; also base64-, percent- and JSON-encoded), on the pull, the login
 * and the push paths.
 */
import { type Actor, collectAll, createIncidentService } from '@incidents/core';
import { createTursoStore, type TursoStore } from '@incidents/store-turso';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connector } from '../src/connector.js';
import { createSyncEngine } from '../src/engine/index.js';
import { ConnectorError } from '../src/errors.js';
import { createJiraConnector } from '../src/jira/index.js';
import { createRemedyConnector } from '../src/remedy/index.js';
import { createServiceNowConnector } from '../src/servicenow/index.js';
import { createShortcutConnector } from '../src/shortcut/index.js';
import { createSlackConnector } from '../src/slack/index.js';
import { createZendeskConnector } from '../src/zendesk/index.js';
import { makeJiraIssue, startJiraServer } from './servers/jira-server.js';
import { makeRemedyEntry, startRemedyServer } from './servers/remedy-server.js';
import { makeSnRecord, startServiceNowServer } from './servers/servicenow-server.js';
import { makeScStory, startShortcutServer } from './servers/shortcut-server.js';
import { startSlackServer } from './servers/slack-server.js';
import { dumpRequest, ECHO, type FaultReply, type VendorServer } from './servers/vendor-server.js';
import { makeZdTicket, startZendeskServer } from './servers/zendesk-server.js';
import { pullAll } from './transport-faults.js';

const ana: Actor = { id: 'ana@example.com', roles: ['operator'] };
const retry = { baseDelayMs: 1, maxRetries: 0 };

interface Fixture {
  server: VendorServer;
  connector: Connector;
  /** Secret values (verbatim). */
  secrets: string[];
  /** `user:password` pairs sent as HTTP Basic. */
  basicPairs: string[];
  seed(): void;
  pullPath: string;
  pushPath: string;
  /** Extra echo replies in this vendor's own error shape. */
  vendorEchoes: FaultReply[];
  /** A path answered before the pull (a login), also echoed. */
  loginPath?: string;
}

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

const FIXTURES: Record<string, () => Promise<Fixture>> = {
  jira: async () => {
    const creds = { email: 'bot@example.com', apiToken: 'ATATT3x/Jira+tok=en_s3cr3t' };
    const s = await startJiraServer(creds);
    return {
      server: s,
      connector: createJiraConnector({ baseUrl: s.url, auth: creds, retry }),
      secrets: [creds.apiToken],
      basicPairs: [`${creds.email}:${creds.apiToken}`],
      seed: () => s.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z')),
      pullPath: '/rest/api/3/search/jql',
      pushPath: '/rest/api/3/issue/',
      vendorEchoes: [],
    };
  },
  servicenow: async () => {
    const creds = { username: 'sync.user', password: 'p4ss/w0rd+S3cr3t!' };
    const s = await startServiceNowServer(creds);
    return {
      server: s,
      connector: createServiceNowConnector({ baseUrl: s.url, auth: creds, retry }),
      secrets: [creds.password],
      basicPairs: [`${creds.username}:${creds.password}`],
      seed: () => s.records.push(makeSnRecord(1, '2026-02-01 10:00:00')),
      pullPath: '/api/now/table/incident',
      pushPath: '/api/now/table/incident/',
      vendorEchoes: [(req) => ({ status: 400, body: { error: { message: dumpRequest(req), detail: '' } } })],
    };
  },
  remedy: async () => {
    const creds = { username: 'Demo', password: 'rem&edy pw/s3cr3t=' };
    const s = await startRemedyServer(creds);
    return {
      server: s,
      connector: createRemedyConnector({ baseUrl: s.url, auth: creds, retry }),
      // The AR-JWT tokens the server issued are secrets too.
      get secrets() {
        return [creds.password, ...s.tokens];
      },
      basicPairs: [],
      seed: () => s.entries.push(makeRemedyEntry(1, '2026-02-01T10:00:00Z')),
      pullPath: '/api/arsys/v1/entry/HPD:Help Desk',
      pushPath: '/api/arsys/v1/entry/HPD:WorkLog',
      loginPath: '/api/jwt/login',
      vendorEchoes: [
        (req) => ({ status: 400, body: [{ messageType: 'ERROR', messageText: dumpRequest(req), messageNumber: 1 }] }),
      ],
    };
  },
  zendesk: async () => {
    const creds = { email: 'agent@example.com', apiToken: 'zd+tok/en=s3cr3t' };
    const s = await startZendeskServer(creds);
    return {
      server: s,
      connector: createZendeskConnector({ baseUrl: s.url, auth: creds, retry }),
      secrets: [creds.apiToken],
      basicPairs: [`${creds.email}/token:${creds.apiToken}`],
      seed: () => s.tickets.push(makeZdTicket(1, '2026-02-01T10:00:00Z')),
      pullPath: '/api/v2/incremental/tickets/cursor.json',
      pushPath: '/api/v2/tickets/',
      vendorEchoes: [],
    };
  },
  slack: async () => {
    const token = 'xoxb-1234-5678-s3cr3tT0ken';
    const channelId = 'C024BE91L';
    const s = await startSlackServer(token, channelId);
    return {
      server: s,
      connector: createSlackConnector({ token, channelId, baseUrl: `${s.url}/api/`, retry }),
      secrets: [token],
      basicPairs: [],
      seed: () => s.messages.push({ ts: '1770000060.000100', user: 'U1', text: 'report 1' }),
      pullPath: '/api/conversations.history',
      pushPath: '/api/chat.postMessage',
      // Slack answers HTTP 200 with { ok: false, error }.
      vendorEchoes: [
        (req) => ({ body: { ok: false, error: dumpRequest(req) } }),
        (req) => ({ body: { ok: false, error: 'invalid_auth', warning: dumpRequest(req) } }),
      ],
    };
  },
  shortcut: async () => {
    const token = 'sc-t0ken/s3cr3t+x';
    const s = await startShortcutServer(token);
    return {
      server: s,
      connector: createShortcutConnector({ baseUrl: s.url, apiToken: token, retry }),
      secrets: [token],
      basicPairs: [],
      seed: () => s.stories.push(makeScStory(1, '2026-02-01T10:00:00Z')),
      pullPath: '/api/v3/search/stories',
      pushPath: '/api/v3/stories/',
      vendorEchoes: [],
    };
  },
};

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
