import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'internals',
    include: ['test/**/*.test.ts'],
  },
});
