import { createRequire } from 'node:module';
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'store-dynamo',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: [createRequire(import.meta.url).resolve('@incidents/test-support/dynamodb-local-setup')],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
