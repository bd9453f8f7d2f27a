import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ConnectorError } from '../errors.js';
import { createHttpClient } from './http-client.js';
import { backoffDelay, parseRetryAfter, resolveRetry } from './retry.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function slowServer(delayMs: number) {
  const stats = { inFlight: 0, max: 0, total: 0 };
  const server = createServer((_req, res) => {
    stats.inFlight += 1;
    stats.total += 1;
    stats.max = Math.max(stats.max, stats.inFlight);
    setTimeout(() => {
      stats.inFlight -= 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ value: 1 }));
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  close = () => new Promise((r) => server.close(() => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stats };
}

describe('shared HTTP layer', () => {
  it('never has more requests in flight than the concurrency limit', async () => {
    const { url, stats } = await slowServer(30);
    const http = createHttpClient({ connector: 'test', baseUrl: url, concurrency: 2 });
    await Promise.all(
      Array.from({ length: 6 }, () => http.request({ path: '/x', schema: z.object({ value: z.number() }) })),
    );
    expect(stats.total).toBe(6);
    expect(stats.max).toBe(2);
  });

  it('turns a network error into connector.http after the retries', async () => {
    const { url } = await slowServer(0);
    await close?.();
    close = undefined;
    const http = createHttpClient({ connector: 'test', baseUrl: url, retry: { baseDelayMs: 1, maxRetries: 2 } });
    const err = (await http.request({ path: '/x' }).catch((e: unknown) => e)) as ConnectorError;
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ code: 'connector.http', details: { connector: 'test', attempts: 3 } });
  });

  it('refuses to follow a link to another origin', async () => {
    const http = createHttpClient({ connector: 'test', baseUrl: 'http://127.0.0.1:9' });
    await expect(http.request({ path: 'https://evil.example.com/steal' })).rejects.toThrow(/another origin/);
  });

  it('parses Retry-After seconds and HTTP dates, and backs off exponentially with jitter', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString(), Date.now())).toBeGreaterThan(3000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    const r = resolveRetry({ baseDelayMs: 100, maxDelayMs: 1000 });
    expect(backoffDelay(0, r, () => 0)).toBe(50);
    expect(backoffDelay(0, r, () => 1)).toBe(100);
    expect(backoffDelay(3, r, () => 0)).toBe(400);
    expect(backoffDelay(10, r, () => 1)).toBe(1000);
  });
});

describe('shared HTTP layer: writes are not repeated when they may have landed', () => {
  async function scripted(statuses: number[]) {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.method ?? '');
      const status = statuses.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '0' } : {}) });
      res.end(JSON.stringify({ ok: status < 400 }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    close = () => new Promise((r) => server.close(() => r()));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
  }
  const retry = { baseDelayMs: 1, maxRetries: 3 };

  it('a POST answered 500 is not retried and says the outcome is unknown; a GET is retried', async () => {
    const s = await scripted([500, 500]);
    const http = createHttpClient({ connector: 'test', baseUrl: s.url, retry });
    const err = (await http
      .request({ method: 'POST', path: '/c', json: {} })
      .catch((e: unknown) => e)) as ConnectorError;
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.details).toMatchObject({ status: 500, attempts: 1, outcomeUnknown: true });
    expect(err.message).toMatch(/may have been applied/);
    expect((await http.request({ path: '/r' })).status).toBe(200);
    expect(s.seen).toEqual(['POST', 'GET', 'GET']);
  });

  it('a POST answered 429 (refused before processing) is retried; an idempotent POST (a search) is retried on 5xx', async () => {
    const s = await scripted([429, 200, 503]);
    const http = createHttpClient({ connector: 'test', baseUrl: s.url, retry });
    expect((await http.request({ method: 'POST', path: '/c', json: {} })).status).toBe(200);
    expect((await http.request({ method: 'POST', path: '/search', json: {}, idempotent: true })).status).toBe(200);
    expect(s.seen).toEqual(['POST', 'POST', 'POST', 'POST']);
  });

  it('a POST whose connection was refused (never sent) is retried', async () => {
    const s = await scripted([]);
    await close?.();
    close = undefined;
    let calls = 0;
    const http = createHttpClient({
      connector: 'test',
      baseUrl: s.url,
      retry,
      // The first attempt finds the port closed; the second reaches a live server.
      fetch: async (input, init) => {
        calls += 1;
        if (calls === 1) return globalThis.fetch(input, init);
        return new Response('{"ok":true}', { status: 201, headers: { 'content-type': 'application/json' } });
      },
    });
    expect((await http.request({ method: 'POST', path: '/c', json: {} })).status).toBe(201);
    expect(calls).toBe(2);
  });
});

describe('shared HTTP layer: Retry-After on 503', () => {
  it('honours it like a 429: a wait within the limit is retried, a longer one fails at once saying when', async () => {
    const replies = [{ status: 503, retryAfter: '0' }, { status: 200 }, { status: 503, retryAfter: '3600' }];
    const server = createServer((_req, res) => {
      const r = replies.shift() ?? { status: 200 };
      res.writeHead(r.status, {
        'content-type': 'application/json',
        ...('retryAfter' in r ? { 'retry-after': r.retryAfter } : {}),
      });
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    close = () => new Promise((r) => server.close(() => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const http = createHttpClient({
      connector: 'test',
      baseUrl: url,
      retry: { baseDelayMs: 1, maxRetryAfterMs: 60_000 },
    });
    expect((await http.request({ path: '/a' })).status).toBe(200);
    const err = (await http.request({ path: '/b' }).catch((e: unknown) => e)) as ConnectorError;
    expect(err).toBeInstanceOf(ConnectorError);
    // Not retried by backoff in the meantime: the vendor asked for an hour.
    expect(err.details).toMatchObject({ status: 503, attempts: 1, retryAfterMs: 3_600_000 });
    expect(err.message).toMatch(/retry after 3600 s/);
  });
});
