import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 has no "exports" map: without this, Vite gives our code the ESM build while
    // yoga (loaded by Node) gets the CommonJS one, and two GraphQLError classes exist.
    alias: [{ find: /^graphql$/, replacement: fileURLToPath(new URL('./node_modules/graphql/index.js', import.meta.url)) }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Integration suites share one MongoDB and one Redis; files run one at a time against them.
    fileParallelism: false,
  },
});
