#!/usr/bin/env node
/**
 * `pnpm web` (from the repository root) and `pnpm --filter @incidents/web dev`:
 *   1. builds the packages the desk needs and the desk itself (turbo, cached),
 *   2. on first start, seeds the demo desk into the embedded libSQL file `<root>/.incidents/web.db`
 *      (5 users with documented passwords, 20 tickets, 100 interactions),
 *   3. keeps a random session secret in `<root>/.incidents/web-session-secret`,
 *   4. runs `next start` (or `next dev` with --dev) on PORT (default 3000) and prints the URL and
 *      the demo accounts.
 * INCIDENTS_DB_URL / INCIDENTS_STORE (and the Redis variables) select another store as in the CLI;
 * the demo data is then seeded only into an empty libSQL database.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(appDir, '..', '..');
const dev = process.argv.includes('--dev');
const home = process.env.INCIDENTS_HOME || join(root, '.incidents');
const env = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  TURBO_TELEMETRY_DISABLED: '1',
  INCIDENTS_HOME: home,
  INCIDENTS_DB_URL: process.env.INCIDENTS_DB_URL || `file:${join(home, 'web.db')}`,
};
mkdirSync(home, { recursive: true });

if (!env.INCIDENTS_WEB_SESSION_SECRET) {
  const file = join(home, 'web-session-secret');
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  env.INCIDENTS_WEB_SESSION_SECRET = readFileSync(file, 'utf8').trim();
}
// http://localhost: the cookie cannot be Secure without TLS. Behind HTTPS, leave this unset.
env.INCIDENTS_WEB_SECURE_COOKIE ??= '0';

const pnpm = process.platform === 'win32' ? 'pnpm.cmd' : 'pnpm';
const filter = dev ? '--filter=@incidents/web^...' : '--filter=@incidents/web...';
console.log(`$ turbo run build ${filter}`);
const built = spawnSync(pnpm, ['exec', 'turbo', 'run', 'build', filter, '--output-logs=errors-only'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
if (built.status !== 0) process.exit(built.status ?? 1);

const { DEMO_PASSWORDS, hashPassword } = await import('@incidents/config/passwords');
const { LOCAL_ADMIN, loadConfig, openStore } = await import('@incidents/config');
const { createIncidentService } = await import('@incidents/core');

const config = loadConfig({ env, cwd: root });
const store = await openStore(config);
const accounts = [];
try {
  const first = await store.listUsers({ limit: 1 });
  if (first.items.length === 0 && config.store === 'turso') {
    const { seedDemoData } = await import('@incidents/store-turso');
    const seeded = await seedDemoData(store, { clock: { now: () => new Date() } });
    const service = createIncidentService({ store });
    const users = await service.listUsers({ limit: 500 }, { actor: LOCAL_ADMIN });
    for (const user of users.items) {
      const password = DEMO_PASSWORDS[user.role];
      if (!password) continue;
      await service.setUserCredentials(
        user.email,
        { password_hash: await hashPassword(password) },
        { actor: LOCAL_ADMIN },
      );
    }
    console.log(
      `Seeded the demo desk: ${seeded.users} users, ${seeded.incidents} tickets, ${seeded.interactions} interactions`,
    );
  }
  const users = await store.listUsers({ limit: 20 });
  for (const u of users.items) {
    if (DEMO_PASSWORDS[u.role] && /\.example$/.test(u.email)) accounts.push({ ...u, password: DEMO_PASSWORDS[u.role] });
  }
} finally {
  await store.close();
}

const port = process.env.PORT || '3000';
const next = join(appDir, 'node_modules', '.bin', process.platform === 'win32' ? 'next.cmd' : 'next');
const child = spawn(next, [dev ? 'dev' : 'start', '--port', port], {
  cwd: appDir,
  env,
  stdio: ['inherit', 'pipe', 'inherit'],
});
let announced = false;
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (!announced && /Ready|started server|Local:/i.test(String(chunk))) {
    announced = true;
    console.log(`\nSupport desk: http://localhost:${port}  (database ${env.INCIDENTS_DB_URL})`);
    if (accounts.length > 0) {
      console.log('Demo accounts (demo passwords — never on a desk with real tickets):');
      for (const a of accounts) console.log(`  ${a.role.padEnd(8)} ${a.email.padEnd(32)} ${a.password}`);
    }
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
