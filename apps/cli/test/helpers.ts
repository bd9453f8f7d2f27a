import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(CLI_ROOT, 'dist', 'bin.js');

/** Fails clearly when the binary has not been built. */
export function requireBuiltBinary(): void {
  if (!existsSync(BIN)) {
    throw new Error(`${BIN} is missing: run \`pnpm --filter @incidents/cli build\` before the end-to-end tests`);
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A clean environment: nothing of the caller's INCIDENTS_* or AWS_* leaks into the tests. */
export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1' };
  if (process.env.HOME) env.HOME = process.env.HOME;
  return { ...env, ...extra };
}

/** Runs the built `incidents` binary. */
export function runBin(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; input?: string } = { cwd: process.cwd() },
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd, env: baseEnv(options.env), maxBuffer: 16 * 1024 * 1024, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolvePromise({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** Runs the binary and parses its JSON stdout; fails with the stderr when the command fails. */
export async function runJson<T = Record<string, unknown>>(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; input?: string },
): Promise<T> {
  const r = await runBin(['--json', ...args], options);
  if (r.code !== 0) throw new Error(`incidents ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** A temporary working directory, removed by the returned cleanup. */
export async function tempDir(prefix = 'incidents-cli-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Starts a long-running binary command; resolves once `ready` matches its stdout. */
export function startBin(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; ready: RegExp; timeoutMs?: number },
): Promise<{
  stdout: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<{ code: number | null; stderr: string }>;
}> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: baseEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let ready = false;
    const exited = new Promise<{ code: number | null; stderr: string }>((res) =>
      child.once('exit', (code) => res({ code, stderr: err })),
    );
    const timer = setTimeout(() => {
      if (!ready) {
        child.kill('SIGKILL');
        reject(new Error(`not ready after ${options.timeoutMs ?? 60_000} ms: ${out}\n${err}`));
      }
    }, options.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!ready && options.ready.test(out)) {
        ready = true;
        clearTimeout(timer);
        resolvePromise({
          stdout: () => out,
          stop: async (signal = 'SIGINT') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('exit', (code) => {
      if (!ready) {
        clearTimeout(timer);
        reject(new Error(`exited with ${code} before ready: ${out}\n${err}`));
      }
    });
  });
}

/** Runs the CLI in-process (`createCli`) with captured output; `tty` makes stdout and stderr terminals. */
export async function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; tty?: boolean; columns?: number },
): Promise<RunResult> {
  const { createCli } = await import('../src/index.js');
  let stdout = '';
  let stderr = '';
  const cli = createCli({
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty ?? false, columns: options.columns ?? 200 },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.tty ?? false, columns: options.columns ?? 200 },
    env: options.env ?? {},
    cwd: options.cwd,
  });
  const code = await cli.run(args);
  return { code, stdout, stderr };
}

/** Like {@link runCli} with `--json`; fails with the stderr when the command fails. */
export async function runCliJson<T = Record<string, unknown>>(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<T> {
  const r = await runCli(['--json', ...args], options);
  if (r.code !== 0) throw new Error(`incidents ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
