/**
 * The webhook intake against each vendor's published delivery shape: a signed delivery reaches the
 * store through a pull of that connector; a forged, tampered, unsigned or (Slack) stale one is
 * refused with 401 and pulls nothing; a replayed delivery (a vendor retry, or an attacker) is
 * answered as a duplicate and pulls nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTursoStore, type TursoStore } from '@incidents/store-turso';
import { describe, expect, it } from 'vitest';
import { closeAfterEach } from './cleanup.js';
import { createSyncEngine } from '../src/engine/index.js';
import {
  createWebhookFetchHandler,
  createWebhookIntake,
  createWebhookRequestHandler,
  type WebhookIntake,
} from '../src/webhooks/intake.js';
import type { WebhookVendor } from '../src/webhooks/verify.js';
import { post, signedDelivery } from '@incidents/test-support/servers/webhook-sender';
import { type Fixture, FIXTURES } from './vendors.js';

const SECRET = 'whsec-Sh4red/s3cr3t+value';

/** The record id each vendor's delivery names for the fixture's seeded record. */
const RECORD_IDS: Record<WebhookVendor, string> = {
  jira: 'OPS-1',
  zendesk: '1',
  slack: '1770000060.000100',
  shortcut: '1',
  servicenow: 'sys-1',
};

interface Rig {
  f: Fixture;
  store: TursoStore;
  intake: WebhookIntake;
  url: string;
  pulls: () => number;
  incidents: () => Promise<number>;
}

const closers = closeAfterEach();

async function rig(vendor: WebhookVendor): Promise<Rig> {
  const f = await (FIXTURES[vendor] as NonNullable<(typeof FIXTURES)[string]>)();
  const store = await createTursoStore({ url: ':memory:' });
  const engine = createSyncEngine({ store, connectors: [f.connector] });
  const intake = createWebhookIntake({ engine, endpoints: { [f.connector.name]: { vendor, secret: SECRET } } });
  const server: Server = createServer(createWebhookRequestHandler(intake));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  closers.push(
    () => f.server.close(),
    () => store.close(),
    () => new Promise((done) => server.close(done)),
    () => intake.idle(),
  );
  const { port } = server.address() as AddressInfo;
  f.seed();
  return {
    f,
    store,
    intake,
    url: `http://127.0.0.1:${port}/webhooks/${f.connector.name}`,
    pulls: () => f.server.requestsTo(f.pullPath).length,
    incidents: async () =>
      (await store.queryIncidents({ by: 'source', source_system: f.connector.sourceSystem }, {})).items.length,
  };
}

describe.each(['jira', 'zendesk', 'slack', 'shortcut', 'servicenow'] as const)('%s webhooks', (vendor) => {
  it('a signed delivery reaches the store through a pull; its replay is a duplicate that pulls nothing', async () => {
    const r = await rig(vendor);
    const delivery = signedDelivery(vendor, SECRET, RECORD_IDS[vendor], { deliveryId: `d-${vendor}-1` });
    const first = await post(r.url, delivery);
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ ok: true });
    await r.intake.idle();
    expect(await r.incidents()).toBe(1);
    const pulled = r.pulls();
    expect(pulled).toBeGreaterThan(0);

    // The vendor retries the same delivery (same id; Slack and Zendesk sign it again).
    const again = await post(
      r.url,
      vendor === 'servicenow'
        ? delivery
        : signedDelivery(vendor, SECRET, RECORD_IDS[vendor], { deliveryId: `d-${vendor}-1`, retry: 1 }),
    );
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ duplicate: true });
    await r.intake.idle();
    expect(r.pulls()).toBe(pulled);
  });

  it('forged, tampered and unsigned deliveries are refused with 401 and pull nothing', async () => {
    const r = await rig(vendor);
    const forged = signedDelivery(vendor, 'not-the-secret', RECORD_IDS[vendor]);
    const genuine = signedDelivery(vendor, SECRET, RECORD_IDS[vendor]);
    const tampered = { headers: genuine.headers, body: genuine.body.replace('"', '"evil":1,"') };
    const unsigned = {
      headers: Object.fromEntries(Object.entries(genuine.headers).filter(([k]) => !/signature|authorization/.test(k))),
      body: genuine.body,
    };
    // ServiceNow's outbound REST messages carry a shared secret, not a signature of the body: a
    // changed body cannot be detected there (the intake only ever pulls, so it cannot inject data).
    for (const delivery of vendor === 'servicenow' ? [forged, unsigned] : [forged, tampered, unsigned]) {
      const answer = await post(r.url, delivery);
      expect(answer.status).toBe(401);
      expect(answer.json.code).toBe('webhook.unauthorized');
      expect(JSON.stringify(answer.json)).not.toContain(SECRET);
    }
    await r.intake.idle();
    expect(r.pulls()).toBe(0);
    expect(await r.incidents()).toBe(0);
  });
});

describe('webhook intake details', () => {
  it('Slack: a genuine signature older than 5 minutes is refused (replay window); URL verification is answered', async () => {
    const r = await rig('slack');
    const stale = signedDelivery('slack', SECRET, RECORD_IDS.slack, { at: new Date(Date.now() - 6 * 60_000) });
    expect((await post(r.url, stale)).status).toBe(401);
    const body = JSON.stringify({
      token: 't',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      type: 'url_verification',
    });
    const ts = String(Math.floor(Date.now() / 1000));
    const { createHmac } = await import('node:crypto');
    const sig = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    const answer = await post(r.url, {
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': ts, 'x-slack-signature': sig },
      body,
    });
    expect(answer).toEqual({
      status: 200,
      json: { challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' },
    });
    await r.intake.idle();
    expect(r.pulls()).toBe(0);
  });

  it('deliveries arriving during a pull are coalesced into one more pull, not one each', async () => {
    const f = await (FIXTURES.jira as NonNullable<(typeof FIXTURES)[string]>)();
    const store = await createTursoStore({ url: ':memory:' });
    closers.push(
      () => f.server.close(),
      () => store.close(),
    );
    f.seed();
    const engine = createSyncEngine({ store, connectors: [f.connector] });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((done) => {
      release = done;
    });
    const started: string[] = [];
    const intake = createWebhookIntake({
      // The first pull is held open until every other delivery has arrived.
      engine: {
        pull: async (target) => {
          started.push(target);
          if (started.length === 1) await gate;
          return engine.pull(target);
        },
      },
      endpoints: { jira: { vendor: 'jira', secret: SECRET } },
    });
    const receive = (i: number) => {
      const d = signedDelivery('jira', SECRET, 'OPS-1', { deliveryId: `burst-${i}` });
      return intake.receive('jira', d);
    };
    expect((await receive(0)).status).toBe(202);
    const during = await Promise.all([1, 2, 3, 4, 5].map(receive));
    expect(during.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    release();
    await intake.idle();
    expect(started).toEqual(['jira', 'jira']);
    expect((await store.queryIncidents({ by: 'source', source_system: 'JIRA' }, {})).items).toHaveLength(1);
  });

  it('unknown endpoints are 404 and other methods 405', async () => {
    const r = await rig('jira');
    const other = r.url.replace(/\/jira$/, '/nope');
    expect((await post(other, signedDelivery('jira', SECRET, 'OPS-1'))).status).toBe(404);
    const get = await fetch(r.url);
    expect(get.status).toBe(405);
    await get.arrayBuffer();
  });
});

describe('the fetch-API webhook handler (Next.js routes, Lambda Function URLs)', () => {
  it('answers like the Node.js handler: accepted, duplicate, forged, wrong method, unknown path, too large', async () => {
    const f = await (FIXTURES.jira as NonNullable<(typeof FIXTURES)[string]>)();
    const store = await createTursoStore({ url: ':memory:' });
    const engine = createSyncEngine({ store, connectors: [f.connector] });
    const intake = createWebhookIntake({ engine, endpoints: { jira: { vendor: 'jira', secret: SECRET } } });
    closers.push(
      () => f.server.close(),
      () => store.close(),
      () => intake.idle(),
    );
    f.seed();
    const results: string[] = [];
    const handler = createWebhookFetchHandler(intake, {
      basePath: '/api/webhooks/',
      maxBodyBytes: 4096,
      waitForPull: true,
      onResult: (connector, result, summary) => {
        results.push(`${connector}:${result.outcome}:${summary ? summary.totals.created : '-'}`);
      },
    });
    const url = 'https://desk.example.com/api/webhooks/jira';
    const send = (delivery: { headers: Record<string, string>; body: string }, method = 'POST', at = url) =>
      handler(
        new Request(at, { method, headers: delivery.headers, ...(method === 'POST' ? { body: delivery.body } : {}) }),
      );
    const delivery = signedDelivery('jira', SECRET, 'OPS-1', { deliveryId: 'fetch-1' });

    const first = await send(delivery);
    expect(first.status).toBe(202);
    // waitForPull: the record is in the store when the answer leaves.
    expect((await store.queryIncidents({ by: 'source', source_system: 'JIRA' }, {})).items).toHaveLength(1);
    expect((await send(delivery)).status).toBe(200);
    const forged = await send(signedDelivery('jira', 'not-the-secret', 'OPS-1'));
    expect(forged.status).toBe(401);
    expect(await forged.text()).not.toContain(SECRET);
    const get = await send(delivery, 'GET');
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    expect((await send(delivery, 'POST', 'https://desk.example.com/api/other/jira')).status).toBe(404);
    expect((await send({ headers: delivery.headers, body: 'x'.repeat(5000) })).status).toBe(413);
    expect(results).toEqual(['jira:accepted:1', 'jira:duplicate:-', 'jira:refused:-']);
  });
});
