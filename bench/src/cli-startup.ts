/**
 * Start-up of the built executables, measured pairwise against `node -e 0` in the same run:
 *
 * - `incidents --help`, and `incidents list` on a seeded local database (wall time of the process);
 * - `incidents-mcp`: from process start to the answer of the first `tools/list` (after `initialize`).
 *
 * Each round runs every case once, in the same order, so a busy machine slows all of them alike; the
 * report gives the median over the rounds, the spread (min–max), and the median of the per-round
 * difference to `node -e 0`. Targets: list ≤ 150 ms and ≤ +90 ms over `node -e 0`; help ≤ 100 ms;
 * MCP first `tools/list` ≤ 250 ms.
 *
 *   pnpm build && pnpm --filter @incidents/bench cli-startup [--rounds 10] [--no-write]
 *
 * Writes `bench/results/cli-startup.json` unless `--no-write`.
 *
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
// `CLI_STARTUP_BIN=<path to another build's bin.js>` measures that build instead (a before/after run).
const CLI = process.env.CLI_STARTUP_BIN ?? join(root, 'apps/cli/dist/bin.js');
const MCP = join(root, 'apps/mcp-server/dist/bin.js');

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const ROUNDS = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 10;
const WRITE = !args.includes('--no-write');

const work = mkdtempSync(join(tmpdir(), 'incidents-cli-startup-'));
const db = `file:${join(work, 'incidents.db')}`;
const env = { PATH: process.env.PATH ?? '', HOME: work, INCIDENTS_HOME: join(work, 'home'), NO_COLOR: '1' };

function wall(argv: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Process start → the `tools/list` answer of a fresh `incidents-mcp` on stdio. */
function mcpFirstToolsList(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [MCP], {
      env: { ...env, INCIDENTS_DB_URL: db, INCIDENTS_ACTOR: 'bench@example.com' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let buffer = '';
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== null && code !== 0) reject(new Error(`incidents-mcp exited ${code}: ${stderr}`));
    });
    child.stdout.on('data', (d) => {
      buffer += String(d);
      for (const line of buffer.split('\n').slice(0, -1)) {
        const msg = JSON.parse(line) as { id?: number; result?: { tools?: unknown[] } };
        if (msg.id === 2 && msg.result?.tools) {
          const ms = performance.now() - t0;
          child.kill();
          resolve(ms);
          return;
        }
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
    });
    const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '0' } },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main(): Promise<void> {
  wall([CLI, '--db', db, 'init']);
  wall([CLI, '--db', db, 'seed']);
  wall([CLI, '--db', db, 'users', 'add', 'bench@example.com', '--name', 'Bench', '--role', 'operator']);
  const cases: Array<{ name: string; target: { ms?: number; overNode?: number }; run: () => Promise<number> }> = [
    { name: 'node -e 0', target: {}, run: async () => wall(['-e', '0']) },
    { name: 'incidents --help', target: { ms: 100 }, run: async () => wall([CLI, '--help']) },
    { name: 'incidents list', target: { ms: 150, overNode: 90 }, run: async () => wall([CLI, '--db', db, 'list']) },
    { name: 'incidents-mcp → first tools/list', target: { ms: 250 }, run: mcpFirstToolsList },
  ];
  // One warm-up round (file cache), then the measured rounds.
  for (const c of cases) await c.run();
  const samples = cases.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, c] of cases.entries()) (samples[i] as number[]).push(await c.run());
  }
  const node = samples[0] as number[];
  console.log(`node ${process.version}, ${ROUNDS} rounds, each case once per round\n`);
  console.log('| case | median | spread | median over `node -e 0` (pairwise) | target | |');
  console.log('|---|---:|---:|---:|---|---|');
  const results = cases.map((c, i) => {
    const xs = samples[i] as number[];
    const m = median(xs);
    const over = median(xs.map((x, r) => x - (node[r] as number)));
    const pass =
      (c.target.ms === undefined || m <= c.target.ms) && (c.target.overNode === undefined || over <= c.target.overNode);
    const target = [
      c.target.ms !== undefined ? `≤ ${c.target.ms} ms` : '',
      c.target.overNode !== undefined ? `≤ +${c.target.overNode} ms` : '',
    ]
      .filter(Boolean)
      .join(', ');
    console.log(
      `| ${c.name} | ${m.toFixed(0)} ms | ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms | ${i === 0 ? '—' : `+${over.toFixed(0)} ms`} | ${target || '—'} | ${i === 0 ? '' : pass ? 'pass' : 'FAIL'} |`,
    );
    return {
      name: c.name,
      medianMs: m,
      minMs: Math.min(...xs),
      maxMs: Math.max(...xs),
      overNodeMs: over,
      target: c.target,
      pass,
    };
  });
  if (WRITE) {
    const dir = join(root, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'cli-startup.json'),
      `${JSON.stringify({ node: process.version, rounds: ROUNDS, results }, null, 2)}\n`,
    );
  }
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
