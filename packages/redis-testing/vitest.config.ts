import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'redis-testing',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
