/** Starts s3rver (the real S3 protocol on 127.0.0.1) in a child process on a free port. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';

export interface S3rverHandle {
  endpoint: string;
  client: S3Client;
  /** The s3rver process (a benchmark reads its CPU time). */
  pid: number | undefined;
  stop(): Promise<void>;
}

/** Options of {@link startS3rver}. */
export interface S3rverOptions {
  /** Folder under which s3rver's data folder is created; default the system's temporary folder. */
  baseDir?: string;
}

const here = dirname(fileURLToPath(import.meta.url));

/** The child script that runs s3rver (argv: data folder, bucket names; prints `{"port"}` on stdout). */
export const S3RVER_CHILD_SCRIPT = join(here, 's3rver-child.cjs');

/** Starts s3rver with `buckets` created; `stop()` ends it and removes its data folder. */
export async function startS3rver(buckets: string[], options: S3rverOptions = {}): Promise<S3rverHandle> {
  const dir = await mkdtemp(join(options.baseDir ?? tmpdir(), 'kb-s3rver-'));
  const require = createRequire(import.meta.url);
  const s3rverDir = dirname(require.resolve('s3rver/package.json'));
  const child: ChildProcess = spawn(process.execPath, [S3RVER_CHILD_SCRIPT, dir, ...buckets], {
    env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider', NODE_PATH: join(s3rverDir, '..') },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        try {
          resolve((JSON.parse(line) as { port: number }).port);
        } catch (e) {
          reject(e);
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}: ${err}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    client,
    pid: child.pid,
    async stop() {
      client.destroy();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
