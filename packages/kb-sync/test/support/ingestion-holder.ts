/**
 * A process that starts a local ingestion job and never finishes it (its object store's listing
 * never answers), so that a test can kill it mid-job or watch its heartbeat.
 * Usage: node --import tsx ingestion-holder.ts <index url> <heartbeat ms>
 * Prints `started <jobId>` once the job is recorded.
 */
import { createLocalKnowledgeBase, type ObjectStore } from '../../src/index.js';

const [url, heartbeat] = process.argv.slice(2);
const never = new Promise<never>(() => {});
const stuck: ObjectStore = {
  name: 'stuck',
  list: () => never,
  get: () => never,
  put: () => never,
  delete: () => never,
  uri: (key) => `stuck:///${key}`,
};

const kb = await createLocalKnowledgeBase({
  url: url as string,
  objectStore: stuck,
  heartbeatMs: Number(heartbeat),
  staleJobMs: 60_000,
});
const job = await kb.startIngestion({ description: 'held' });
process.stdout.write(`started ${job.jobId}\n`);
setInterval(() => {}, 1 << 30);
