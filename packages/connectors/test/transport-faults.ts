/**
 * The transport behaviours every connector must show against its local vendor server: 429 with
 * Retry-After (and the wait really happens), 5xx then success, 401 → connector.auth without leaking
 * the secret, a malformed body → connector.invalid_response naming the field.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Connector, PulledPage } from '../src/connector.js';
import { ConnectorError } from '../src/errors.js';
import type { Reply, VendorServer } from '@incidents/test-support/servers/vendor-server';

export interface FaultFixture {
  server: VendorServer;
  /** A connector with valid credentials (tiny retry delays). */
  good(): Connector;
  /** A connector with a wrong secret. */
  bad(): Connector;
  /** The wrong secret (must never appear in the error). */
  badSecret: string;
  /** Adds at least one record to pull. */
  seed(): void;
  /** Path prefix of the pull request that faults are injected into. */
  pullPath: string;
  /** A body of the pull request with a bad field, and the field path the error must name. */
  malformed: { reply: Reply; path: string };
}

export async function pullAll(
  connector: Connector,
  options: Parameters<Connector['pull']>[0] = {},
): Promise<PulledPage[]> {
  const pages: PulledPage[] = [];
  for await (const page of connector.pull(options)) pages.push(page);
  return pages;
}

export function transportFaultTests(setup: () => Promise<FaultFixture>): void {
  let f: FaultFixture;
  beforeEach(async () => {
    f = await setup();
  });
  afterEach(async () => {
    await f.server.close();
  });

  it('waits for Retry-After on 429, then succeeds', async () => {
    f.seed();
    f.server.failNext(f.pullPath, { status: 429, headers: { 'retry-after': '1' }, body: { error: 'rate limited' } });
    const started = Date.now();
    const pages = await pullAll(f.good());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(pages.flatMap((p) => p.items).length).toBeGreaterThan(0);
    const calls = f.server.requestsTo(f.pullPath);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('retries 500 and 503, then succeeds', async () => {
    f.seed();
    f.server.failNext(f.pullPath, { status: 500, body: { error: 'boom' } }, { status: 503, body: 'unavailable' });
    const pages = await pullAll(f.good());
    expect(pages.flatMap((p) => p.items).length).toBeGreaterThan(0);
    expect(f.server.requestsTo(f.pullPath).length).toBeGreaterThanOrEqual(3);
  });

  it('gives up on a persistent 500 with connector.http carrying the status', async () => {
    f.server.failNext(f.pullPath, ...Array.from({ length: 5 }, () => ({ status: 500, body: { error: 'boom' } })));
    const err = (await pullAll(f.good()).catch((e: unknown) => e)) as ConnectorError;
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.code).toBe('connector.http');
    expect(err.details.status).toBe(500);
    expect(err.details.attempts).toBe(5);
  });

  it('fails with connector.auth on bad credentials, without the secret, and a good connector still works', async () => {
    f.seed();
    const err = (await pullAll(f.bad()).catch((e: unknown) => e)) as ConnectorError;
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.code).toBe('connector.auth');
    expect(err.details.status).toBe(401);
    expect(`${err.message} ${JSON.stringify(err.toJSON())}`).not.toContain(f.badSecret);
    expect((await pullAll(f.good())).flatMap((p) => p.items).length).toBeGreaterThan(0);
  });

  it('reports a malformed body as connector.invalid_response naming the field', async () => {
    f.server.failNext(f.pullPath, f.malformed.reply);
    const err = (await pullAll(f.good()).catch((e: unknown) => e)) as ConnectorError;
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.code).toBe('connector.invalid_response');
    expect(err.details.issues?.map((i) => i.path)).toContain(f.malformed.path);
    expect(err.message).toContain(f.malformed.path);
  });
}
