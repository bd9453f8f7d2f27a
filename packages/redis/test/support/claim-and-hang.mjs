// A worker that claims one task and then hangs, to be killed by the test (SIGKILL) mid-task.
import { createTaskQueue, createTcpConnection } from '../../dist/index.js';

const [url, prefix, visibility] = process.argv.slice(2);
const redis = createTcpConnection({ url });
const queue = createTaskQueue({ redis, prefix, visibilityTimeoutMs: Number(visibility) });
const { tasks } = await queue.claim(1);
process.stdout.write(`${JSON.stringify(tasks.map((t) => t.id))}\n`);
setInterval(() => {}, 1_000);
