/**
 * The desk with Redis (`INCIDENTS_REDIS_URL`) against a throw-away redis-server of its own: API calls
 * limited per bearer token, `/api/batch` draining the task queue, login attempts counted in Redis, the
 * Redis panel on /metrics — then Redis is killed mid-run and the pages still load, sign-in still works
 * (the in-process limiter takes over) and the panel says Redis does not answer.
 */
import { createTaskQueue, createTcpConnection, type RedisConnection } from '@incidents/redis';
import { type OwnRedisServer, startRedisServer } from '@incidents/redis-testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, callApi, launchChromium, loginAs, newDesktopPage, shot } from './browser';
import { ACCOUNTS, API_TOKEN, BATCH_TOKEN, type RunningApp, startApp } from './server';

const API_CALLS_PER_MINUTE = 4;

let redisServer: OwnRedisServer;
let redis: RedisConnection;
let app: RunningApp;
let browser: Browser;
const contexts: BrowserContext[] = [];

const newPage = (): Promise<Page> => newDesktopPage(browser, contexts);

const api = (path: string, init: RequestInit & { token?: string } = {}) => callApi(app.url, path, init);

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = createTcpConnection({ url: redisServer.url });
  app = await startApp({
    INCIDENTS_REDIS_URL: redisServer.url,
    INCIDENTS_WEB_API_RATE_PER_MINUTE: String(API_CALLS_PER_MINUTE),
  });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
  await redis?.close();
  await redisServer?.stop();
});

describe('the desk with Redis', () => {
  it('limits API calls per bearer token in Redis: 429 with Retry-After', async () => {
    for (let i = 0; i < API_CALLS_PER_MINUTE; i++) {
      expect((await api('/api/tickets?status=NEW', { token: API_TOKEN })).status).toBe(200);
    }
    const limited = await api('/api/tickets?status=NEW', { token: API_TOKEN });
    expect(limited.status).toBe(429);
    expect(limited.json.error?.code).toBe('rate_limited');
    expect(Number(limited.res.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another token has its own window.
    expect((await api('/api/metrics', { token: BATCH_TOKEN })).status).toBe(200);
  });

  it('/api/batch drains the task queue: closeInactiveResolved runs, other types stay for their workers', async () => {
    const queue = createTaskQueue({ redis });
    await queue.enqueue({ type: 'closeInactiveResolved', payload: { inactive_days: 1, limit: 5 } });
    await queue.enqueue({ type: 'kbSync', payload: {} });
    const res = await api('/api/batch', { token: BATCH_TOKEN, method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    const report = res.json.queue as { succeeded: number; skipped: number };
    expect(report.succeeded).toBe(1);
    expect(report.skipped).toBe(1);
    const lengths = await queue.lengths();
    expect(lengths.pending + lengths.delayed).toBe(1);
    expect(lengths.dead).toBe(0);
  });

  it('counts login attempts in Redis and shows the Redis panel on /metrics', async () => {
    const page = await newPage();
    await loginAs(page, app.url, ACCOUNTS.admin);
    const keys = (await redis.command(['KEYS', 'incidents:rl:login-*'])) as string[];
    expect(keys.length).toBeGreaterThan(0);
    await page.goto(`${app.url}/metrics`);
    await page.locator('[data-testid="redis-stats"]').waitFor();
    expect(await page.textContent('[data-testid="redis-queue"]')).toMatch(/\d+ pending/);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, '20-metrics-redis');
  });

  it('Redis killed mid-run: pages still load, sign-in still works, the panel says Redis is down', async () => {
    const page = await newPage();
    await loginAs(page, app.url, ACCOUNTS.ana);
    await page.goto(`${app.url}/tickets?status=all`);
    const firstId = await page.getAttribute('[data-testid="tickets"] tbody tr', 'data-id');
    expect(firstId).toBeTruthy();

    await redisServer.stop();

    const list = await page.goto(`${app.url}/tickets?status=all`);
    expect(list?.status()).toBe(200);
    expect(await page.locator('[data-testid="tickets"] tbody tr').count()).toBeGreaterThan(0);
    const detail = await page.goto(`${app.url}/tickets/${encodeURIComponent(firstId as string)}`);
    expect(detail?.status()).toBe(200);
    await page.locator('[data-testid="ticket-title"]').waitFor();
    await shot(page, '21-detail-redis-down');

    // A fresh sign-in works: the login limiter falls back to its in-process counters.
    const admin = await newPage();
    await loginAs(admin, app.url, ACCOUNTS.admin);
    const metrics = await admin.goto(`${app.url}/metrics`);
    expect(metrics?.status()).toBe(200);
    await admin.locator('[data-testid="redis-down"]').waitFor();
    await shot(admin, '22-metrics-redis-down');

    // The API answers too (a token is not limited while Redis is down).
    expect((await api('/api/tickets?status=NEW', { token: BATCH_TOKEN })).status).toBe(200);
  });
});
