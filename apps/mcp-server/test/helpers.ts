/**
 * Test helpers: a temporary libSQL database seeded through the real service, and the BUILT server
 * (`dist/bin.js`) spawned over stdio and driven by the MCP SDK's real Client.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Actor,
  createIncidentService,
  type CreateIncidentInput,
  type IncidentService,
  type IncidentStore,
} from '@incidents/core';
import { createTursoStore } from '@incidents/store-turso';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');

export const ADMIN: Actor = { id: 'admin@example.com', roles: ['admin'] };
export const ANA = 'ana@example.com';
export const BOB = 'bob@example.com';

/** A temporary folder with a libSQL database; `cleanup` removes it. */
export interface TestDb {
  dir: string;
  url: string;
  store: IncidentStore;
  service: IncidentService;
  cleanup(): Promise<void>;
}

export async function createTestDb(): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'incidents-mcp-'));
  const url = `file:${join(dir, 'incidents.db')}`;
  const store = await createTursoStore({ url });
  const service = createIncidentService({ store });
  await service.putUser({ email: ANA, role: 'operator', name: 'Ana' }, { actor: ADMIN });
  await service.putUser({ email: BOB, role: 'operator', name: 'Bob' }, { actor: ADMIN });
  return {
    dir,
    url,
    store,
    service,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates incidents as the admin (optionally assigned). */
export async function seed(db: TestDb, inputs: CreateIncidentInput[]) {
  const created = [];
  for (const input of inputs) created.push(await db.service.create(input, { actor: ADMIN }));
  return created;
}

/** A spawned server and the client connected to it. */
export interface Spawned {
  client: Client;
  transport: StdioClientTransport;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

export async function spawnServer(db: TestDb, env: Record<string, string>): Promise<Spawned> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN],
    cwd: db.dir,
    env: {
      PATH: process.env.PATH ?? '',
      INCIDENTS_DB_URL: db.url,
      INCIDENTS_HOME: join(db.dir, 'home'),
      ...env,
    },
    stderr: 'pipe',
  });
  let log = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const client = new Client({ name: 'incidents-mcp-test', version: '0.0.0' });
  await client.connect(transport);
  return {
    client,
    transport,
    stderr: () => log,
    close: () => client.close(),
  };
}

/** Calls a tool and returns the result (never throws for tool errors). */
export async function call(s: Spawned, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await s.client.callTool({ name, arguments: args })) as CallToolResult;
}

/** The text of a result. */
export function textOf(result: CallToolResult): string {
  return result.content
    .filter((c): c is { type: 'text'; text: string } => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
}

/** The structured content of a successful result (fails the test with the text otherwise). */
// biome-ignore lint/suspicious/noExplicitAny: tests read structured results field by field
export function ok<T = Record<string, any>>(result: CallToolResult): T {
  if (result.isError) throw new Error(`expected success, got error: ${textOf(result)}`);
  if (!result.structuredContent) throw new Error('expected structuredContent');
  return result.structuredContent as T;
}

/** Spawns the server expecting it to exit (bad configuration); returns exit code and stderr. */
export async function runExpectingExit(
  db: TestDb,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN], {
      cwd: db.dir,
      env: { PATH: process.env.PATH ?? '', INCIDENTS_DB_URL: db.url, INCIDENTS_HOME: join(db.dir, 'home'), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not exit; stderr: ${stderr}`));
    }, 10_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stderr });
    });
  });
}
