import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'lambda',
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
