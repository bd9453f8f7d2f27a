import { cpuMsSince } from './stats.js';

/**
 * The measurement loop of the read benchmarks: every variant reads the same keys, in rounds whose
 * variant order rotates, so caches and load from other processes affect all variants alike.
 *
 * @module
 */

/** One way of running the read for a key. */
export interface ReadVariant<K> {
  name: string;
  read(key: K): Promise<unknown>;
}

/** Options of {@link measureReads}. */
export interface ReadLoopOptions<K> {
  variants: ReadVariant<K>[];
  /** Keys of one round; a fresh list per round. */
  keys: (round: number) => K[];
  rounds: number;
  /** Untimed reads of every variant before the first round. */
  warmup: K[];
  /** Called once per round before the timed reads (e.g. to prepare the baseline's statements). */
  beforeRound?: (keys: K[]) => Promise<void>;
}

/** Samples per variant name: wall time and this process's CPU time, in milliseconds. */
export interface ReadSamples {
  wall: Record<string, number[]>;
  cpu: Record<string, number[]>;
}

/** Measures every variant over the same keys. */
export async function measureReads<K>(o: ReadLoopOptions<K>): Promise<ReadSamples> {
  const samples: ReadSamples = {
    wall: Object.fromEntries(o.variants.map((v) => [v.name, []])),
    cpu: Object.fromEntries(o.variants.map((v) => [v.name, []])),
  };
  if (o.warmup.length) {
    await o.beforeRound?.(o.warmup);
    for (const v of o.variants) for (const k of o.warmup) await v.read(k);
  }
  for (let r = 0; r < o.rounds; r++) {
    const keys = o.keys(r);
    await o.beforeRound?.(keys);
    const order = o.variants.map((_, i) => o.variants[(i + r) % o.variants.length] as ReadVariant<K>);
    for (const v of order) {
      const wall = samples.wall[v.name] as number[];
      const cpu = samples.cpu[v.name] as number[];
      for (const k of keys) {
        const cpuStart = process.cpuUsage();
        const started = performance.now();
        await v.read(k);
        wall.push(performance.now() - started);
        cpu.push(cpuMsSince(cpuStart));
      }
    }
  }
  return samples;
}
