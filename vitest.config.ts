import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Integration suites share one MongoDB and one Redis; files run one at a time against them.
    fileParallelism: false,
  },
});
