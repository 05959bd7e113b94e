import { defineConfig } from 'vitest/config';

// Browser tests start real headless servers and a real Chromium: one file at a time keeps
// two cores from thrashing.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
