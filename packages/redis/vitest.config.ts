import { createRequire } from 'node:module';
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'redis',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // DynamoDB Local for the whole run: @incidents/test-support's set-up, shared with store-dynamo.
    globalSetup: [createRequire(import.meta.url).resolve('@incidents/test-support/dynamodb-local-setup')],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
