/** The storage set-ups a run measures, each on a fresh database created for it and dropped after. */
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestEngine } from '../test/support/test-databases.js';

export interface OpenedDatabase {
  /** DATABASE_URL (and REDIS_URL) for the server. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export interface EngineSetup {
  label: string;
  open(): Promise<OpenedDatabase>;
}

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

function onDatabase(label: string, engine: TestEngine, extra: () => Record<string, string> = () => ({})): EngineSetup {
  return {
    label,
    async open(): Promise<OpenedDatabase> {
      const database = await createTestDatabase(engine);
      return { env: { DATABASE_URL: database.url, ...extra() }, drop: () => database.drop() };
    },
  };
}

/** SQLite alone, as one instance runs; PostgreSQL and MariaDB with Redis, as a fleet does. `quick`: SQLite only. */
export function engineSetups(quick: boolean): EngineSetup[] {
  // A prefix of its own: nothing another run or a test left in Redis is read, and what this run leaves expires.
  const redis = (): Record<string, string> => ({ REDIS_URL, REDIS_KEY_PREFIX: `bench-${randomBytes(4).toString('hex')}:` });
  const sqlite = onDatabase('SQLite', 'sqlite');
  return quick ? [sqlite] : [sqlite, onDatabase('PostgreSQL + Redis', 'postgres', redis), onDatabase('MariaDB + Redis', 'mariadb', redis)];
}
