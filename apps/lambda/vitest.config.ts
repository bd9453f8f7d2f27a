import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'lambda',
    include: ['test/**/*.test.ts'],
    // DynamoDB Local for the whole run: the harness of @incidents/store-dynamo's tests, shared rather than copied.
    globalSetup: ['../../packages/store-dynamo/test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
