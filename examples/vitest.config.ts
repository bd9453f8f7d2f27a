import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'examples',
    include: ['test/**/*.test.ts'],
    // One DynamoDB Local for the DynamoDB example: the store-dynamo package's own set-up (inject('dynamoEndpoint')).
    globalSetup: ['../packages/store-dynamo/test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
