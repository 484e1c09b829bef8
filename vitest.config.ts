import { configDefaults, defineConfig } from 'vitest/config';

/** The end-to-end server suite runs once per engine; everything else (store conformance included) runs once. */
const SERVER_TESTS = 'test/server/**/*.test.ts';
const ENGINES = ['sqlite', 'postgres', 'mariadb'] as const;

export default defineConfig({
  test: {
    // Tests talk to real servers over loopback; a cold start (migrations, key generation) can take a moment.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: files in parallel are fine, but keep it to the machine. Projects share these two workers.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'once', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, SERVER_TESTS] },
      },
      // test/support/harness.ts reads WEAPP_TEST_ENGINE and gives each harness a fresh database on that engine.
      ...ENGINES.map((engine) => ({
        extends: true as const,
        test: { name: `server-${engine}`, include: [SERVER_TESTS], env: { WEAPP_TEST_ENGINE: engine } },
      })),
    ],
  },
});
