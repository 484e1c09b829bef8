import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests talk to real servers over loopback; a cold start (migrations, key generation) can take a moment.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: files in parallel are fine, but keep it to the machine.
    maxWorkers: 2,
  },
});
