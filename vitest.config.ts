import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Validation tests simulate hundreds of thousands of events; give them room on a 2-core box.
    testTimeout: 60_000,
    pool: 'forks',
  },
});
