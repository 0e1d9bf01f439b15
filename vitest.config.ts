import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // One retry for the rare Chromium/Puppeteer stalls seen on 2 busy cores (a page.close() or an OOPIF evaluate
    // that never settles); a test that fails for a real reason fails twice.
    retry: 1,
    reporters: ['default'],
  },
});
