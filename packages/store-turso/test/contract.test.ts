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
