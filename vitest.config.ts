import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // PGlite instances take ~0.5–1 GB each; CI has 2 cores and 24 GB. Many tests wait on a CLI child
    // process, PostgreSQL or Chromium, so a third fork keeps both cores busy (2 forks left a third of
    // the CPU idle: 19.7 min wall for 13 min of CPU).
    pool: 'forks',
    poolOptions: { forks: { maxForks: 3, minForks: 1 } },
  },
});
