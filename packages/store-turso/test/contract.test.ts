import { runIncidentStoreContract } from '@incidents/core/testing';
import { afterAll, beforeAll } from 'vitest';
import { createTursoStore } from '../src/index.js';
import { tempDir } from './helpers.js';

runIncidentStoreContract({ name: 'turso :memory:', createStore: () => createTursoStore({ url: ':memory:' }) });

let dir: string;
let cleanup: () => Promise<void>;
let n = 0;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('store-turso-contract-'));
});
afterAll(async () => {
  await cleanup();
});

runIncidentStoreContract({
  name: 'turso file:',
  createStore: () => createTursoStore({ url: `file:${dir}/contract-${++n}.db` }),
});

// The same contract through `@libsql/client`'s own local client (no prepared-statement reuse).
runIncidentStoreContract({
  name: 'turso file: via @libsql/client',
  createStore: () => createTursoStore({ url: `file:${dir}/contract-plain-${++n}.db`, preparedStatements: false }),
});
