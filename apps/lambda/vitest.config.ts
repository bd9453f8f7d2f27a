import { createRequire } from 'node:module';
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'lambda',
    include: ['test/**/*.test.ts'],
    // DynamoDB Local for the whole run: the harness of @incidents/test-support, shared with store-dynamo's tests.
    globalSetup: [createRequire(import.meta.url).resolve('@incidents/test-support/dynamodb-local-setup')],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
