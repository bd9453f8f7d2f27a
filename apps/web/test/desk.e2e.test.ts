/**
 * End to end through the built app under `next start` over a temporary libSQL file: the HTTP API
 * (status codes and JSON errors), then the desk in a real Chromium (Debian's /usr/bin/chromium driven
 * by playwright-core). Screenshots of each step go to apps/web/test-results/screenshots/ (git-ignored).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, callApi, launchChromium, loginAs, newDesktopPage, shot } from './browser';
import { ACCOUNTS, API_TOKEN, BATCH_TOKEN, type RunningApp, startApp } from './server';

const INTERNAL_NOTE = `Internal: the customer's firmware is 2.1; escalate to vendor ${Date.now().toString(36)}`;
const PUBLIC_REPLY = 'Thanks for the report — we are replacing the toner cartridge today.';
const TITLE = 'Printer on floor 3 prints blank pages';

let app: RunningApp;
let browser: Browser;
const contexts: BrowserContext[] = [];

const newPage = (): Promise<Page> => newDesktopPage(browser, contexts);

const login = (page: Page, who: { email: string; password: string }) => loginAs(page, app.url, who);
const api = (path: string, init: RequestInit & { token?: string } = {}) => callApi(app.url, path, init);

beforeAll(async () => {
  app = await startApp();
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
});

describe('API routes (next start, libSQL file)', () => {
  it('anonymous: API answers 401 JSON, pages redirect to /login', async () => {
    const r = await api('/api/tickets');
    expect(r.status).toBe(401);
    expect(r.json.error?.code).toBe('unauthenticated');
    const page = await fetch(`${app.url}/tickets`, { redirect: 'manual' });
    expect([302, 303, 307, 308]).toContain(page.status);
    expect(page.headers.get('location')).toMatch(/\/login/);
    expect((await api('/api/tickets', { token: 'wrong-token-wrong-token' })).status).toBe(401);
  });

  it('service bearer token: list, create (400 names the field), stale revision → 409, batch needs batch_worker', async () => {
    const list = await api('/api/tickets?status=NEW', { token: API_TOKEN });
    expect(list.status).toBe(200);
    expect(Array.isArray(list.json.items)).toBe(true);

    const bad = await api('/api/tickets', { token: API_TOKEN, method: 'POST', body: JSON.stringify({ title: '' }) });
    expect(bad.status).toBe(400);
    expect(bad.json.error?.code).toBe('validation');
    expect(JSON.stringify(bad.json.error)).toContain('title');

    const created = await api('/api/tickets', {
      token: API_TOKEN,
      method: 'POST',
      body: JSON.stringify({ title: 'VPN drops every 10 minutes', category: 'Network' }),
    });
    expect(created.status).toBe(201);
    const id = created.json.incident_id as string;
    const revision = created.json.revision as number;
    const claimed = await api(`/api/tickets/${id}`, {
      token: API_TOKEN,
      method: 'PATCH',
      body: JSON.stringify({ action: 'assign', assignee: ACCOUNTS.ana.email, expected_revision: revision }),
    });
    expect(claimed.status).toBe(200);
    const stale = await api(`/api/tickets/${id}`, {
      token: API_TOKEN,
      method: 'PATCH',
      body: JSON.stringify({ action: 'comment', text: 'late', expected_revision: revision }),
    });
    expect(stale.status).toBe(409);
    expect(stale.json.error?.code).toBe('conflict');
    expect((await api('/api/tickets/NOPE-1', { token: API_TOKEN })).status).toBe(404);

    const denied = await api('/api/batch', { token: API_TOKEN, method: 'POST', body: '{}' });
    expect(denied.status).toBe(403);
    const batch = await api('/api/batch', {
      token: BATCH_TOKEN,
      method: 'POST',
      body: JSON.stringify({ close_resolved_after_days: 0 }),
    });
    expect(batch.status).toBe(200);
    expect(Array.isArray(batch.json.closed)).toBe(true);
  });
});

describe('the desk in Chromium', () => {
  let ticketUrl = '';

  it('a customer logs in, gets inline errors for an empty title, creates a ticket and sees it listed', async () => {
    const page = await newPage();
    await login(page, ACCOUNTS.carla);
    await shot(page, '01-customer-tickets');
    await page.goto(`${app.url}/tickets/new`);
    await page.click('[data-testid="create-ticket"]');
    await page.locator('#title-error').waitFor();
    expect(await page.textContent('#title-error')).toMatch(/title is required/);
    await shot(page, '02-new-ticket-errors');
    await page.fill('input[name="title"]', TITLE);
    await page.fill('textarea[name="description"]', 'Since this morning every job comes out blank.');
    await Promise.all([page.waitForURL(/\/tickets\/(?!new)[^/?]+$/), page.click('[data-testid="create-ticket"]')]);
    ticketUrl = page.url();
    expect(await page.textContent('[data-testid="ticket-title"]')).toBe(TITLE);
    await page.goto(`${app.url}/tickets?status=all`);
    expect(await page.textContent('[data-testid="tickets"]')).toContain(TITLE);
    await shot(page, '03-customer-list');
    expect(await axeViolations(page)).toEqual([]);
    // The text search runs in the store query: a case-insensitive substring of the title.
    await page.goto(`${app.url}/tickets?status=all&q=${encodeURIComponent('PRINTS BLANK')}`);
    expect(await page.locator('[data-testid="tickets"] tbody tr').count()).toBe(1);
    expect(await page.textContent('[data-testid="tickets"]')).toContain(TITLE);
    await page.goto(`${app.url}/tickets?status=all&q=${encodeURIComponent('no such words 100%')}`);
    await page.locator('[data-testid="empty"]').waitFor();
  });

  it('an operator claims it, adds an INTERNAL note and a PUBLIC reply, IN_PROGRESS → RESOLVED', async () => {
    const page = await newPage();
    await login(page, ACCOUNTS.ana);
    await page.goto(ticketUrl);
    const status = () => page.getAttribute('[data-testid="ticket-status"]', 'data-status');
    await page.click('button[data-action="claim"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="ticket-status"]')?.getAttribute('data-status') === 'ASSIGNED',
    );
    await page.fill('textarea[name="text"]', INTERNAL_NOTE);
    await page.check('input[name="visibility"][value="INTERNAL"]');
    await page.click('button[data-action="comment"]');
    await page.waitForSelector(`text=${INTERNAL_NOTE}`);
    await page.fill('textarea[name="text"]', PUBLIC_REPLY);
    await page.check('input[name="visibility"][value="PUBLIC"]');
    await page.click('button[data-action="comment"]');
    await page.waitForSelector(`text=${PUBLIC_REPLY}`);
    await page.click('button[data-action="start"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="ticket-status"]')?.getAttribute('data-status') === 'IN_PROGRESS',
    );
    await page.fill('input[name="solution"]', 'Replaced the toner cartridge');
    await page.fill('input[name="root_cause"]', 'Empty toner cartridge');
    await page.fill('textarea[name="steps"]', 'Opened the printer\nReplaced the cartridge\nPrinted a test page');
    await page.click('button[data-action="resolve"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="ticket-status"]')?.getAttribute('data-status') === 'RESOLVED',
    );
    expect(await status()).toBe('RESOLVED');
    // Timeline entries carry translated labels, not the raw interaction types.
    const timelineText = (await page.textContent('[data-testid="timeline"]')) ?? '';
    expect(timelineText).toContain('Status change');
    expect(timelineText).not.toContain('status_change');
    // Staff see the similar-incidents panel (the local knowledge base is the default).
    expect(await page.locator('[data-testid="similar"]').count()).toBe(1);
    const internal = page.locator('[data-visibility="INTERNAL"]');
    expect(await internal.count()).toBeGreaterThan(0);
    await shot(page, '04-operator-detail');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('the customer sees the public reply and never the internal note (page, HTML, RSC payload)', async () => {
    const page = await newPage();
    await login(page, ACCOUNTS.carla);
    await page.goto(ticketUrl);
    const body = (await page.textContent('body')) ?? '';
    expect(body).toContain(PUBLIC_REPLY);
    expect(body).toContain('Replaced the toner cartridge');
    expect(body).not.toContain(INTERNAL_NOTE);
    expect(await page.locator('[data-visibility="INTERNAL"]').count()).toBe(0);
    // Past incidents are other customers' records: no similar-incidents panel for a customer.
    expect(await page.locator('[data-testid="similar"]').count()).toBe(0);
    const html = await page.request.get(ticketUrl);
    const htmlText = await html.text();
    expect(htmlText).toContain('we are replacing the toner');
    expect(htmlText).not.toContain('firmware is 2.1');
    const rsc = await page.request.get(ticketUrl, { headers: { RSC: '1' } });
    const rscText = await rsc.text();
    expect(rscText).toContain('we are replacing the toner');
    expect(rscText).not.toContain('firmware is 2.1');
    const json = await page.request.get(`${app.url}/api/tickets/${ticketUrl.split('/').pop()}`);
    expect(json.status()).toBe(200);
    expect(await json.text()).not.toContain('firmware is 2.1');
    await shot(page, '05-customer-detail');
  });

  it('another customer gets 404 for that ticket, on the page and in the API', async () => {
    const page = await newPage();
    await login(page, ACCOUNTS.david);
    const res = await page.goto(ticketUrl);
    expect(res?.status(), app.output().slice(-2000)).toBe(404);
    expect(await page.locator('[data-testid="not-found"]').count()).toBe(1);
    expect(await page.textContent('body')).not.toContain(TITLE);
    const apiRes = await page.request.get(`${app.url}/api/tickets/${ticketUrl.split('/').pop()}`);
    expect(apiRes.status()).toBe(404);
    await shot(page, '06-other-customer-404');
  });

  it('two operators claim the same ticket at once: one wins, the other is told to reload', async () => {
    const created = await api('/api/tickets', {
      token: API_TOKEN,
      method: 'POST',
      body: JSON.stringify({ title: 'Shared drive is read-only', category: 'Storage' }),
    });
    const url = `${app.url}/tickets/${created.json.incident_id as string}`;
    const [a, b] = [await newPage(), await newPage()];
    await login(a, ACCOUNTS.ana);
    await login(b, ACCOUNTS.ben);
    await a.goto(url);
    await b.goto(url);
    await Promise.all([a.click('button[data-action="claim"]'), b.click('button[data-action="claim"]')]);
    const outcome = async (p: Page) => {
      await p.waitForFunction(
        () =>
          document.querySelector('[data-testid="action-error"]') ||
          document.querySelector('[data-testid="ticket-status"]')?.getAttribute('data-status') === 'ASSIGNED',
      );
      return (await p.locator('[data-testid="action-error"]').count()) > 0 ? 'conflict' : 'won';
    };
    const results = [await outcome(a), await outcome(b)].sort();
    expect(results).toEqual(['conflict', 'won']);
    const loser = (await a.locator('[data-testid="action-error"]').count()) > 0 ? a : b;
    expect(await loser.textContent('[data-testid="action-error"]')).toContain(
      'Someone else changed this ticket — reload',
    );
    await shot(loser, '07-conflict');
  });

  it('an operator sees similar past incidents from the local knowledge base', async () => {
    const created = await api('/api/tickets', {
      token: API_TOKEN,
      method: 'POST',
      body: JSON.stringify({
        title: 'Duplicate charges on the annual plan again',
        description: 'The customer was charged twice for the annual plan renewal.',
        category: 'Billing',
      }),
    });
    expect(created.status).toBe(201);
    const page = await newPage();
    await login(page, ACCOUNTS.ben);
    await page.goto(`${app.url}/tickets/${created.json.incident_id as string}`);
    const panel = page.locator('[data-testid="similar"]');
    await panel.waitFor();
    expect(await panel.locator('li').count()).toBeGreaterThan(0);
    expect(await panel.textContent()).toMatch(/Duplicate charges/i);
    await shot(page, '12-similar-incidents');
  });

  it('an admin opens /metrics and the charts are drawn (svg with bars)', async () => {
    const page = await newPage();
    await login(page, ACCOUNTS.admin);
    await page.goto(`${app.url}/metrics`);
    await page.waitForSelector('[data-testid="chart"] svg .recharts-bar-rectangle path');
    expect(await page.locator('[data-testid="chart"] svg .recharts-bar-rectangle path').count()).toBeGreaterThan(3);
    expect(await page.textContent('[data-testid="db-panel"]')).toMatch(/incidents: \d+ rows/);
    // Created vs resolved per day: two lines with a dot per day.
    expect(await page.locator('[data-testid="daily-chart"] svg .recharts-line').count()).toBe(2);
    expect(await page.locator('[data-testid="daily-chart"] svg .recharts-line-dot').count()).toBeGreaterThan(1);
    await shot(page, '08-metrics');
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${app.url}/admin/users`);
    expect(await page.textContent('[data-testid="users"]')).toContain(ACCOUNTS.carla.email);
    await shot(page, '09-admin-users');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('the list works at 375 px; the login page passes axe', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'es-ES' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${app.url}/login`);
    expect(await axeViolations(page)).toEqual([]);
    await login(page, ACCOUNTS.ana);
    await page.goto(`${app.url}/tickets?status=all`);
    expect(await page.textContent('h1')).toBe('Tickets');
    expect(await page.textContent('body')).toMatch(/en_progreso|resuelto|abierto|cerrado/);
    // Sortable columns (TanStack Table): a click sorts by title, a second click reverses.
    const titles = () => page.locator('[data-testid="tickets"] tbody tr td:nth-child(2)').allTextContents();
    await page.click('button[data-column="title"]');
    const asc = await titles();
    expect(asc.length).toBeGreaterThan(1);
    expect(asc).toEqual([...asc].sort((a, b) => a.localeCompare(b)));
    expect(await page.getAttribute('th:has(button[data-column="title"])', 'aria-sort')).toBe('ascending');
    await page.click('button[data-column="title"]');
    expect(await titles()).toEqual([...asc].reverse());
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, '10-mobile-list-es');
  });

  it('five wrong passwords lock the account: the sixth attempt is refused even with the right one', async () => {
    const page = await newPage();
    for (let i = 0; i < 5; i++) {
      await page.goto(`${app.url}/login`);
      await page.fill('input[name="email"]', ACCOUNTS.david.email);
      await page.fill('input[name="password"]', `wrong-password-${i}`);
      await page.click('[data-testid="login-submit"]');
      await page.locator('[data-testid="login-error"]').waitFor();
      expect(await page.textContent('[data-testid="login-error"]')).toBe('Wrong email or password.');
    }
    await page.goto(`${app.url}/login`);
    await page.fill('input[name="email"]', ACCOUNTS.david.email);
    await page.fill('input[name="password"]', ACCOUNTS.david.password);
    await page.click('[data-testid="login-submit"]');
    await page.locator('[data-testid="login-error"]').waitFor();
    expect(await page.textContent('[data-testid="login-error"]')).toMatch(/Too many attempts/);
    expect(page.url()).toContain('/login');
    await shot(page, '11-rate-limited');
  });
});
