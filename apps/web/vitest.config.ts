import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'web',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One `next start` and one Chromium per file; files run one after another (2-core machines).
    fileParallelism: false,
  },
});
