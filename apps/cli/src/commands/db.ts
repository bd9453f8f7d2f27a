/**
 * `incidents init`, `incidents seed` and `incidents db backup|check|maintain|stats`.
 *
 * @module
 */
import { resolve } from 'node:path';
import type { DemoAccount } from '@incidents/config/passwords';
import type { Command } from 'commander';
import { IncidentsError, type IncidentStore, type Permission, requirePermission, systemClock } from '@incidents/core';
import { type IncidentsConfig, localDatabasePath } from '@incidents/config';
import type { TursoStore } from '@incidents/store-turso';
import { UsageError } from '../errors.js';
import { renderFields, renderTable } from '../output/table.js';
import type { Runtime } from '../runtime.js';
import { createDynamoClient, ensureIncidentsTable } from './dynamo.js';

/** Whether a store is the libSQL store with its maintenance operations. */
export function isTursoStore(store: IncidentStore): store is TursoStore {
  const s = store as Partial<TursoStore>;
  return typeof s.backup === 'function' && typeof s.checkIntegrity === 'function' && typeof s.stats === 'function';
}

/**
 * Maintenance and seeding act on the whole database, below the use cases: only actors holding the
 * permissions (`procedures.execute` — admins and the batch worker; seeding also `users.insert`) run them.
 */
async function requireMaintenance(rt: Runtime, ...permissions: Permission[]): Promise<void> {
  const actor = await rt.actor();
  for (const permission of permissions) requirePermission(actor, permission);
}

async function tursoStore(rt: Runtime, command: string): Promise<TursoStore> {
  if (rt.config().store !== 'turso') {
    throw new UsageError(
      `${command} works on the libSQL store only (--store turso); DynamoDB has its own backups (PITR)`,
    );
  }
  await requireMaintenance(rt, 'procedures.execute');
  const store = await rt.store();
  if (!isTursoStore(store)) throw new UsageError(`${command} needs the libSQL store`);
  return store;
}

/** Where the configured libSQL database lives, for messages (never prints tokens). */
export function describeDatabase(url: string): string {
  if (url === ':memory:') return 'in memory (nothing is kept after the command)';
  const path = localDatabasePath(url);
  if (path) return path;
  return url.replace(/([?&](authToken|token)=)[^&]+/gi, '$1***');
}

/** Where the configured store keeps its data, for people: the DynamoDB table or the libSQL database. */
function describeTarget(config: IncidentsConfig): string {
  if (config.store === 'dynamo') {
    return `DynamoDB table ${config.dynamo.table}${config.dynamo.endpoint ? ` at ${config.dynamo.endpoint}` : ''}`;
  }
  return describeDatabase(config.dbUrl);
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Gives every demo user (admin, operators, customers) its role's documented demo password. */
async function setDemoPasswords(rt: Runtime): Promise<DemoAccount[]> {
  const { DEMO_PASSWORDS, hashPassword } = await import('@incidents/config/passwords');
  const service = await rt.service();
  const ctx = await rt.ctx();
  const accounts: DemoAccount[] = [];
  const users = await service.listUsers({ limit: 500 }, ctx);
  const hashes = new Map<string, Promise<string>>();
  for (const user of users.items) {
    if (user.role !== 'admin' && user.role !== 'operator' && user.role !== 'customer') continue;
    const password = DEMO_PASSWORDS[user.role];
    if (!hashes.has(user.role)) hashes.set(user.role, hashPassword(password));
    // One hash per role is enough for demo accounts (each user still has its own row).
    await service.setUserCredentials(
      user.email,
      { password_hash: await (hashes.get(user.role) as Promise<string>) },
      ctx,
    );
    accounts.push({ email: user.email, role: user.role, password });
  }
  return accounts;
}

/** Registers `init`, `seed` and the `db` group. */
export function registerDbCommands(program: Command, rt: Runtime): void {
  program
    .command('init')
    .description('create or migrate the database (libSQL) or the table (DynamoDB), and print where it is')
    .action(async () => {
      const config = rt.config();
      const p = rt.printer();
      if (config.store === 'dynamo') {
        const client = await createDynamoClient(config);
        try {
          const result = await ensureIncidentsTable(client, config.dynamo.table);
          const where = config.dynamo.endpoint ?? `AWS (${config.dynamo.region ?? 'default region'})`;
          p.result(
            {
              store: 'dynamo',
              table: config.dynamo.table,
              endpoint: config.dynamo.endpoint ?? null,
              created: result.created,
            },
            () =>
              `${p.colors.green('✔')} DynamoDB table ${p.colors.bold(config.dynamo.table)} ${result.created ? 'created' : 'already exists'} at ${where}`,
          );
        } finally {
          client.destroy();
        }
        return;
      }
      await rt.store();
      const path = localDatabasePath(config.dbUrl);
      p.result(
        { store: 'turso', url: path ? `file:${path}` : describeDatabase(config.dbUrl), path },
        () =>
          `${p.colors.green('✔')} Database ready: ${p.colors.bold(describeDatabase(config.dbUrl))}\n${p.colors.dim('Next: incidents seed   (demo users and incidents)   or   incidents create --title "…"')}`,
      );
    });

  program
    .command('seed')
    .description('load demo users, incidents and interactions into the database')
    .action(async () => {
      await requireMaintenance(rt, 'procedures.execute', 'users.insert');
      const store = await rt.store();
      const { seedDemoData } = await import('@incidents/core/demo');
      // The seed's timestamps fall in the three weeks before now, so due dates and metrics look current.
      const result = await seedDemoData(store, { clock: rt.deps.clock ?? systemClock });
      // Demo accounts for the web desk: every demo user gets its role's documented password.
      const accounts = await setDemoPasswords(rt);
      const p = rt.printer();
      p.result(
        { ...result, accounts: accounts.map(({ email, role }) => ({ email, role })) },
        () =>
          `${p.colors.green('✔')} Seeded ${result.users} users, ${result.incidents} incidents and ${result.interactions} interactions into ${describeTarget(rt.config())}\n` +
          `Demo accounts (web desk; demo passwords, documented in apps/web/README.md):\n${accounts
            .map((a) => `  ${a.role.padEnd(8)} ${a.email.padEnd(30)} ${a.password}`)
            .join('\n')}\n${p.colors.dim('Try: incidents list')}`,
      );
    });

  const db = program
    .command('db')
    .description('libSQL database maintenance: backup, integrity check, ANALYZE/REINDEX/VACUUM, statistics');

  db.command('backup')
    .description('write a consistent copy of the database to a file')
    .argument('<path>', 'destination file')
    .action(async (path: string) => {
      const store = await tursoStore(rt, 'db backup');
      const result = await store.backup(resolve(rt.deps.cwd, path));
      const p = rt.printer();
      p.result(
        result,
        () => `${p.colors.green('✔')} Backup written to ${p.colors.bold(result.path)} (${formatBytes(result.bytes)})`,
      );
    });

  db.command('check')
    .description('PRAGMA integrity_check; exit code 1 when the database is damaged')
    .action(async () => {
      const store = await tursoStore(rt, 'db check');
      const result = await store.checkIntegrity();
      const p = rt.printer();
      if (!result.ok) {
        p.data(result);
        if (!p.json) for (const m of result.messages) p.note(m);
        throw new IncidentsError('store', `integrity check failed: ${result.messages.length} problem(s) found`, {
          details: { messages: result.messages },
          userError: false,
        });
      }
      p.result(result, () => `${p.colors.green('✔')} Integrity check passed: ${result.messages.join('; ') || 'ok'}`);
    });

  db.command('maintain')
    .description('update planner statistics (ANALYZE) and rebuild indexes (REINDEX); --vacuum also compacts the file')
    .option('--vacuum', 'also VACUUM (rewrites the whole file)')
    .action(async (o: { vacuum?: boolean }) => {
      const store = await tursoStore(rt, 'db maintain');
      const result = await store.maintain({ vacuum: Boolean(o.vacuum) });
      const p = rt.printer();
      const done = [result.analyzed && 'ANALYZE', result.reindexed && 'REINDEX', result.vacuumed && 'VACUUM'].filter(
        Boolean,
      );
      p.result(
        result,
        () =>
          `${p.colors.green('✔')} Maintenance done: ${done.join(', ') || 'nothing to do'} in ${Math.round(result.durationMs)} ms`,
      );
    });

  db.command('stats')
    .description('query timings, table sizes and whether the frequent queries use an index')
    .action(async () => {
      const store = await tursoStore(rt, 'db stats');
      const stats = await store.stats();
      const p = rt.printer();
      const c = p.colors;
      p.result(stats, () => {
        const out: string[] = [];
        out.push(c.bold('Queries'));
        out.push(
          renderFields(
            [
              ['Count', String(stats.queries.count)],
              ['Average', `${Math.round(stats.queries.avgMs * 100) / 100} ms`],
              ['Slow (>100 ms)', String(stats.queries.slow.length)],
            ],
            c.dim,
          ),
        );
        out.push(c.bold('Tables'));
        out.push(
          renderTable(
            [
              { header: 'TABLE', value: (t: { name: string; rows: number }) => t.name },
              { header: 'ROWS', value: (t: { name: string; rows: number }) => String(t.rows), align: 'right' },
            ],
            stats.tables,
            { headerStyle: c.bold },
          ),
        );
        out.push(c.bold('Index usage of the frequent queries'));
        out.push(
          renderTable(
            [
              { header: 'QUERY', value: (u: (typeof stats.indexUsage)[number]) => u.query, max: 48 },
              {
                header: 'INDEX',
                value: (u: (typeof stats.indexUsage)[number]) => (u.usesIndex ? (u.index ?? 'yes') : 'NO INDEX'),
                style: (t) => (t === 'NO INDEX' ? c.red(t) : c.green(t)),
              },
              { header: 'TEMP SORT', value: (u: (typeof stats.indexUsage)[number]) => (u.tempSort ? 'yes' : 'no') },
            ],
            stats.indexUsage,
            { headerStyle: c.bold },
          ),
        );
        const unindexed = stats.indexUsage.filter((u) => !u.usesIndex).length;
        out.push(
          unindexed
            ? c.yellow(
                `${unindexed} of ${stats.indexUsage.length} queries scan without an index: run incidents db maintain`,
              )
            : c.dim(`${stats.indexUsage.length} of ${stats.indexUsage.length} frequent queries use an index.`),
        );
        return out.join('\n');
      });
    });
}
