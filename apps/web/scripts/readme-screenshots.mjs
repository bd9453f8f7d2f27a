/**
 * Takes the README screenshots (list, detail, metrics) of a running desk with the demo data:
 *
 *     PORT=3000 pnpm web            # in another terminal
 *     node apps/web/scripts/readme-screenshots.mjs http://127.0.0.1:3000
 *
 * Signs in as the demo admin, shoots the first screen (1152 × 720) of each page into apps/web/docs/.
 * Uses Debian's Chromium (`CHROMIUM_PATH`, default /usr/bin/chromium) through playwright-core.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORDS } from '@incidents/config/passwords';
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs');
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1152, height: 720 }, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name="email"]', 'admin@acme.example');
  await page.fill('input[name="password"]', DEMO_PASSWORDS.admin);
  await Promise.all([page.waitForURL(/\/tickets/), page.click('[data-testid="login-submit"]')]);

  await page.goto(`${base}/tickets?status=all`);
  await page.waitForSelector('[data-testid="tickets"] tbody tr');
  await page.screenshot({ path: join(out, 'tickets-list.png') });

  // The demo ticket with the longest timeline makes the best detail picture.
  const ids = await page
    .locator('[data-testid="tickets"] tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
  let best = { id: ids[0], entries: -1 };
  for (const id of ids.slice(0, 20)) {
    await page.goto(`${base}/tickets/${encodeURIComponent(id)}`);
    await page.waitForSelector('[data-testid="ticket-title"]');
    const entries = await page.locator('[data-testid="timeline"] li').count();
    if (entries > best.entries) best = { id, entries };
  }
  await page.goto(`${base}/tickets/${encodeURIComponent(best.id)}`);
  await page.waitForSelector('[data-testid="timeline"] li');
  await page.screenshot({ path: join(out, 'ticket-detail.png') });

  await page.goto(`${base}/metrics`);
  await page.waitForSelector('[data-testid="chart"] svg .recharts-bar-rectangle path');
  await page.screenshot({ path: join(out, 'metrics.png') });
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
}
