import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Every file opens its own databases; two workers match the two cores.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
