import { afterAll, beforeAll } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/store/sql/database.js';
import { migrateToLatest } from '../../src/store/sql/migrations.js';
import { createTestDatabase, type TestDatabase, type TestEngine } from '../support/test-databases.js';

/** A handle on a new database of `engine` for the enclosing describe (migrated if asked), dropped after it. */
export function useFreshHandle(
  engine: TestEngine,
  options: { migrate: boolean },
): { readonly handle: DatabaseHandle; readonly url: string } {
  let database: TestDatabase | undefined;
  let opened: DatabaseHandle | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    opened = openDatabase(database.url);
    if (options.migrate) await migrateToLatest(opened.db);
  });
  afterAll(async () => {
    await opened?.close();
    await database?.drop();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the database is opened in beforeAll');
    return value;
  };
  return {
    get handle(): DatabaseHandle {
      return ready(opened);
    },
    get url(): string {
      return ready(database).url;
    },
  };
}
