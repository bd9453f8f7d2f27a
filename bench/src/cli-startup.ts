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
 * Each start runs under `/usr/bin/time -f '%U %S'` when it exists, so the report also gives the
 * user+sys CPU time of each process (less sensitive to a busy machine than the wall time), and the
 * load average of each round. `CLI_STARTUP_BEFORE=<another build's apps/cli/dist/bin.js>` and
 * `MCP_STARTUP_BEFORE=<…/apps/mcp-server/dist/bin.js>` add that build's cases to the same rounds
 * (a same-run before/after). `CLI_STARTUP_BIN` replaces the measured CLI build.
 *
 * Writes `bench/results/cli-startup.json` unless `--no-write`.
 *
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
// `CLI_STARTUP_BIN=<path to another build's bin.js>` measures that build instead.
const CLI = process.env.CLI_STARTUP_BIN ?? join(root, 'apps/cli/dist/bin.js');
const MCP = join(root, 'apps/mcp-server/dist/bin.js');
const CLI_BEFORE = process.env.CLI_STARTUP_BEFORE;
const MCP_BEFORE = process.env.MCP_STARTUP_BEFORE;
const TIME = '/usr/bin/time';
const HAS_TIME = existsSync(TIME);

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const ROUNDS = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 10;
const WRITE = !args.includes('--no-write');

const work = mkdtempSync(join(tmpdir(), 'incidents-cli-startup-'));
const db = `file:${join(work, 'incidents.db')}`;
const env = { PATH: process.env.PATH ?? '', HOME: work, INCIDENTS_HOME: join(work, 'home'), NO_COLOR: '1' };

/** One start: wall time in ms, and user+sys CPU time in ms when `/usr/bin/time` is there. */
interface Sample {
  wallMs: number;
  cpuMs: number | undefined;
}

/** `/usr/bin/time -f '%U %S'` prints its line last on stderr. */
function cpuFromTime(stderr: string): number | undefined {
  const m = /(\d+\.\d+) (\d+\.\d+)\s*$/.exec(stderr);
  return m ? (Number(m[1]) + Number(m[2])) * 1000 : undefined;
}

function command(argv: string[]): [string, string[]] {
  return HAS_TIME ? [TIME, ['-f', '%U %S', process.execPath, ...argv]] : [process.execPath, argv];
}

function wall(argv: string[]): Sample {
  const [cmd, cmdArgs] = command(argv);
  const t0 = performance.now();
  const r = spawnSync(cmd, cmdArgs, { env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wallMs: ms, cpuMs: HAS_TIME ? cpuFromTime(r.stderr) : undefined };
}

/**
 * Process start → the `tools/list` answer of a fresh `incidents-mcp` on stdio; then stdin is closed
 * (the server stops) and the CPU time of the whole process is read.
 */
function mcpFirstToolsList(bin: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const [cmd, cmdArgs] = command([bin]);
    const t0 = performance.now();
    const child = spawn(cmd, cmdArgs, {
      env: { ...env, INCIDENTS_DB_URL: db, INCIDENTS_ACTOR: 'bench@example.com' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let buffer = '';
    let stderr = '';
    let answeredMs: number | undefined;
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (answeredMs === undefined) return reject(new Error(`incidents-mcp exited ${code}: ${stderr}`));
      resolve({ wallMs: answeredMs, cpuMs: HAS_TIME ? cpuFromTime(stderr) : undefined });
    });
    child.stdout.on('data', (d) => {
      buffer += String(d);
      for (const line of buffer.split('\n').slice(0, -1)) {
        const msg = JSON.parse(line) as { id?: number; result?: { tools?: unknown[] } };
        if (msg.id === 2 && msg.result?.tools && answeredMs === undefined) {
          answeredMs = performance.now() - t0;
          child.stdin.end();
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
  type Case = { name: string; target: { ms?: number; overNode?: number }; run: () => Promise<Sample> };
  const cases: Case[] = [
    { name: 'node -e 0', target: {}, run: async () => wall(['-e', '0']) },
    { name: 'incidents --help', target: { ms: 100 }, run: async () => wall([CLI, '--help']) },
    { name: 'incidents list', target: { ms: 150, overNode: 90 }, run: async () => wall([CLI, '--db', db, 'list']) },
    { name: 'incidents-mcp → first tools/list', target: { ms: 250 }, run: () => mcpFirstToolsList(MCP) },
  ];
  if (CLI_BEFORE) {
    cases.push(
      { name: 'before: incidents --help', target: {}, run: async () => wall([CLI_BEFORE, '--help']) },
      { name: 'before: incidents list', target: {}, run: async () => wall([CLI_BEFORE, '--db', db, 'list']) },
    );
  }
  if (MCP_BEFORE) {
    cases.push({
      name: 'before: incidents-mcp → first tools/list',
      target: {},
      run: () => mcpFirstToolsList(MCP_BEFORE),
    });
  }
  // One warm-up round (file cache), then the measured rounds.
  for (const c of cases) await c.run();
  const samples = cases.map(() => [] as Sample[]);
  const loads: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    loads.push(loadavg()[0] as number);
    for (const [i, c] of cases.entries()) (samples[i] as Sample[]).push(await c.run());
  }
  const node = samples[0] as Sample[];
  console.log(
    `node ${process.version}, ${ROUNDS} rounds, each case once per round; 1-min load average per round: ${loads.map((l) => l.toFixed(2)).join(' ')} (median ${median(loads).toFixed(2)})\n`,
  );
  console.log(
    '| case | median wall | spread | median over `node -e 0` (pairwise) | CPU user+sys (median) | target | |',
  );
  console.log('|---|---:|---:|---:|---:|---|---|');
  const results = cases.map((c, i) => {
    const xs = (samples[i] as Sample[]).map((s) => s.wallMs);
    const cpus = (samples[i] as Sample[]).flatMap((s) => (s.cpuMs === undefined ? [] : [s.cpuMs]));
    const m = median(xs);
    const over = median(xs.map((x, r) => x - (node[r] as Sample).wallMs));
    const cpu = cpus.length ? median(cpus) : undefined;
    const measured = c.target.ms !== undefined || c.target.overNode !== undefined;
    const pass =
      (c.target.ms === undefined || m <= c.target.ms) && (c.target.overNode === undefined || over <= c.target.overNode);
    const target = [
      c.target.ms !== undefined ? `≤ ${c.target.ms} ms` : '',
      c.target.overNode !== undefined ? `≤ +${c.target.overNode} ms` : '',
    ]
      .filter(Boolean)
      .join(', ');
    console.log(
      `| ${c.name} | ${m.toFixed(0)} ms | ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms | ${i === 0 ? '—' : `+${over.toFixed(0)} ms`} | ${cpu === undefined ? '—' : `${cpu.toFixed(0)} ms`} | ${target || '—'} | ${measured ? (pass ? 'pass' : 'FAIL') : ''} |`,
    );
    return {
      name: c.name,
      medianMs: m,
      minMs: Math.min(...xs),
      maxMs: Math.max(...xs),
      overNodeMs: over,
      cpuMs: cpu,
      target: c.target,
      pass,
    };
  });
  if (WRITE) {
    const dir = join(root, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'cli-startup.json'),
      `${JSON.stringify({ node: process.version, rounds: ROUNDS, loadAverage: median(loads), results }, null, 2)}\n`,
    );
  }
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
