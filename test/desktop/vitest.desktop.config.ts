import { defineConfig } from 'vitest/config';

// The launch test starts the real Electron app: one file, one app at a time.
export default defineConfig({
  test: {
    include: ['test/desktop/**/*.desktop.ts'],
    testTimeout: 90_000,
    hookTimeout: 90_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
