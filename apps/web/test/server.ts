/**
 * Test harness: a temporary libSQL file with the demo desk (users with their documented demo
 * passwords), and the built app under `next start` on a free port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORDS, hashPassword } from '@incidents/config/passwords';
import { createIncidentService } from '@incidents/core';
import { createTursoStore, seedDemoData } from '@incidents/store-turso';
import { freePort } from '@incidents/test-support/free-port';

export const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The demo accounts the tests log in with (seeded by `seedDemoData`). */
export const ACCOUNTS = {
  admin: { email: 'admin@acme.example', password: DEMO_PASSWORDS.admin },
  ana: { email: 'ana.garcia@acme.example', password: DEMO_PASSWORDS.operator },
  ben: { email: 'ben.carter@acme.example', password: DEMO_PASSWORDS.operator },
  carla: { email: 'carla.ruiz@cliente.example', password: DEMO_PASSWORDS.customer },
  david: { email: 'david.smith@customer.example', password: DEMO_PASSWORDS.customer },
} as const;

export const API_TOKEN = `api-${randomBytes(12).toString('hex')}`;
export const BATCH_TOKEN = `batch-${randomBytes(12).toString('hex')}`;

/**
 * Seeds a fresh database file with the demo desk and web passwords; with `kbHome`, also exports the
 * closed demo incidents into the default local knowledge base under it (as `incidents kb sync` does).
 */
export async function seedDatabase(dbUrl: string, kbHome?: string): Promise<void> {
  const store = await createTursoStore({ url: dbUrl });
  try {
    await seedDemoData(store, { clock: { now: () => new Date() } });
    const service = createIncidentService({ store });
    const admin = { actor: { id: 'seed@localhost', roles: ['admin' as const] } };
    const hashes = new Map<string, string>();
    for (const user of (await service.listUsers({ limit: 100 }, admin)).items) {
      const password = DEMO_PASSWORDS[user.role as keyof typeof DEMO_PASSWORDS];
      if (!password) continue;
      if (!hashes.has(password)) hashes.set(password, await hashPassword(password));
      await service.setUserCredentials(user.email, { password_hash: hashes.get(password) as string }, admin);
    }
    if (kbHome) {
      const { createDefaultKbSetup, runKbSync } = await import('@incidents/kb-sync');
      const kb = await createDefaultKbSetup({ dir: kbHome });
      try {
        const quiet = { info: () => {}, warn: () => {}, error: () => {} };
        const synced = await runKbSync({
          store,
          objectStore: kb.objectStore,
          knowledgeBase: kb.knowledgeBase,
          ingestion: { wait: true, force: true },
          metrics: false,
          logger: quiet,
        });
        if (synced.status !== 'completed') throw new Error(`knowledge-base sync ended ${synced.status}`);
      } finally {
        await kb.close();
      }
    }
  } finally {
    await store.close();
  }
}

export interface RunningApp {
  url: string;
  dbUrl: string;
  dir: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `next start` over a seeded temporary database. Fails clearly when the app is not built. */
export async function startApp(extraEnv: Record<string, string> = {}): Promise<RunningApp> {
  if (!existsSync(join(APP_DIR, '.next', 'BUILD_ID'))) {
    throw new Error('apps/web is not built: run `pnpm --filter @incidents/web build` before its tests');
  }
  const dir = await mkdtemp(join(tmpdir(), 'incidents-web-'));
  const dbUrl = `file:${join(dir, 'desk.db')}`;
  await seedDatabase(dbUrl, dir);
  const port = await freePort();
  let out = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(APP_DIR, 'node_modules', 'next', 'dist', 'bin', 'next'),
      'start',
      '--port',
      String(port),
      '--hostname',
      '127.0.0.1',
    ],
    {
      cwd: APP_DIR,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? dir,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        INCIDENTS_HOME: dir,
        INCIDENTS_DB_URL: dbUrl,
        INCIDENTS_WEB_SESSION_SECRET: randomBytes(32).toString('base64url'),
        INCIDENTS_WEB_SECURE_COOKIE: '0',
        INCIDENTS_WEB_API_TOKENS: `api_server:${API_TOKEN},batch_worker:${BATCH_TOKEN}`,
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (c) => {
    out += String(c);
  });
  child.stderr?.on('data', (c) => {
    out += String(c);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${url}/login`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`next start did not answer on ${url}:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    dbUrl,
    dir,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
