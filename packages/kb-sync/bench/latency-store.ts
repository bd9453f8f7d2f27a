/** Wraps a real object store and adds a fixed delay to every write (S3-like request latency). */
import type { ObjectStore } from '../src/index.js';

export function withLatency(inner: ObjectStore, ms: number): ObjectStore {
  const wait = () => new Promise((r) => setTimeout(r, ms));
  return {
    ...inner,
    name: `${inner.name}+${ms}ms`,
    async put(key, body, options) {
      await wait();
      return inner.put(key, body, options);
    },
    async delete(key) {
      await wait();
      return inner.delete(key);
    },
  };
}
