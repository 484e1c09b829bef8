import { createTestDatabase, testEngine } from './test-databases.js';

/** DATA_DIR → DATABASE_URL of databases a harness created, so a second harness given that DATA_DIR shares it. */
const createdFor = new Map<string, string>();

export interface HarnessDatabase {
  /** What to add to the server's environment: DATABASE_URL, or nothing for the SQLite file in DATA_DIR. */
  env: Record<string, string>;
  /** Drops the database if this harness created it. */
  release(): Promise<void>;
}

/**
 * The database a harness's server uses. On SQLite (the default) it is the config's default file in DATA_DIR, as
 * it always was. On WEAPP_TEST_ENGINE=postgres or mariadb each harness gets a new database of its own, except
 * one given a DATA_DIR another harness owns (servers sharing state share the database too) or a DATABASE_URL.
 */
export async function harnessDatabase(env: Record<string, string>, dir: string): Promise<HarnessDatabase> {
  const kept = { env: {}, release: async (): Promise<void> => {} };
  const engine = testEngine();
  if (env.DATABASE_URL !== undefined || engine === 'sqlite') return kept;
  const shared = createdFor.get(dir);
  if (shared !== undefined) return { ...kept, env: { DATABASE_URL: shared } };

  const database = await createTestDatabase(engine);
  createdFor.set(dir, database.url);
  return {
    env: { DATABASE_URL: database.url },
    async release(): Promise<void> {
      createdFor.delete(dir);
      await database.drop();
    },
  };
}
