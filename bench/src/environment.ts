/**
 * What a result depends on besides the code: the machine, the Node version and how busy the machine
 * was while the benchmark ran (other agents share its two cores).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { round } from './stats.js';

/** The machine a benchmark ran on. */
export interface MachineInfo {
  /** `os.availableParallelism()` — what `nproc` prints. */
  nproc: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  platform: string;
  /** `@libsql/client` version used by both the SDK and the raw baseline. */
  libsqlClient: string;
}

/** How busy the machine was during a measurement. */
export interface LoadReport {
  /** 1-minute load average when the measurement started and ended, and the highest one sampled. */
  loadStart: number;
  loadEnd: number;
  loadMax: number;
  /** CPU time this process got divided by wall time; well below 1 means the benchmark waited for a core. */
  cpuPerWall: number;
  wallMs: number;
}

/** Describes the machine. */
export async function machineInfo(): Promise<MachineInfo> {
  const version = await packageVersion('@libsql/client');
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    libsqlClient: version,
  };
}

/** Starts watching the load; call the returned function when the measurement ends. */
export function watchLoad(): () => LoadReport {
  const loadStart = loadavg()[0] ?? 0;
  let loadMax = loadStart;
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const timer = setInterval(() => {
    loadMax = Math.max(loadMax, loadavg()[0] ?? 0);
  }, 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    const cpu = process.cpuUsage(cpuStart);
    const wallMs = performance.now() - wallStart;
    const loadEnd = loadavg()[0] ?? 0;
    return {
      loadStart: round(loadStart, 2),
      loadEnd: round(loadEnd, 2),
      loadMax: round(Math.max(loadMax, loadEnd), 2),
      cpuPerWall: round((cpu.user + cpu.system) / 1000 / wallMs, 2),
      wallMs: round(wallMs, 0),
    };
  };
}

/** The installed version of a dependency (its package.json is not in its `exports`, so walk up from its entry). */
async function packageVersion(name: string): Promise<string> {
  try {
    let dir = dirname(createRequire(import.meta.url).resolve(name));
    for (let i = 0; i < 6; i++) {
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8').catch(() => '{}')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === name && pkg.version) return pkg.version;
      dir = dirname(dir);
    }
  } catch {
    // fall through
  }
  return 'unknown';
}
