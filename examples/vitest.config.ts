import { createRequire } from 'node:module';
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'examples',
    include: ['test/**/*.test.ts'],
    // One DynamoDB Local for the DynamoDB example: @incidents/test-support's set-up, shared with store-dynamo (inject('dynamoEndpoint')).
    globalSetup: [createRequire(import.meta.url).resolve('@incidents/test-support/dynamodb-local-setup')],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
