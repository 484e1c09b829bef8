import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sql/database.js';
import { isUniqueViolation } from '../../src/store/sql/transaction-conflict.js';
import { isDatabaseUnavailable } from '../../src/store/sql/unavailable.js';
import { rejectionOf } from '../support/rejection.js';
import { withTemporaryDirectory } from '../support/temporary-directory.js';
import { createTestDatabase, type TestDatabase } from '../support/test-databases.js';

/** Real errors from real drivers, classified: an outage is "unavailable", a bug or bad data is not. */
const created: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(created.map((database) => database.drop()));
});

async function fresh(engine: 'postgres' | 'mariadb'): Promise<string> {
  const database = await createTestDatabase(engine);
  created.push(database);
  return database.url;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  [
    'postgres',
    'postgres://postgres@127.0.0.1:1/test',
    sql`select pg_backend_pid() as id`,
    (id: number) => sql`select pg_terminate_backend(${id})`,
  ],
  ['mariadb', 'mysql://root@127.0.0.1:1/test', sql`select connection_id() as id`, (id: number) => sql.raw(`kill ${id}`)],
] as const)('%s', (engine, refusedUrl, ownId, kill) => {
  it('a refused connection is unavailable', async () => {
    const handle = openDatabase(refusedUrl);
    try {
      expect(isDatabaseUnavailable(await rejectionOf(handle.ping()))).toBe(true);
    } finally {
      await handle.close();
    }
  });

  it('a connection the server ends is unavailable, and the pool replaces it', async () => {
    const handle = openDatabase(await fresh(engine));
    try {
      const { rows } = await ownId.execute(handle.db);
      const id = Number((rows[0] as { id: unknown }).id);
      expect(isDatabaseUnavailable(await rejectionOf(kill(id).execute(handle.db)))).toBe(true);
      await sleep(100);
      await handle.ping();
    } finally {
      await handle.close();
    }
  });

  it('a connection ended while a transaction holds it fails that transaction, not the process', async () => {
    const handle = openDatabase(await fresh(engine));
    try {
      // Without an 'error' listener on checked-out connections, pg throws this as an uncaught exception.
      const error = await rejectionOf(
        handle.db.transaction().execute(async (tx) => {
          const { rows } = await ownId.execute(tx);
          await kill(Number((rows[0] as { id: unknown }).id)).execute(handle.db);
          await sleep(100);
          await ownId.execute(tx);
        }),
      );
      expect(isDatabaseUnavailable(error)).toBe(true);
      await handle.ping();
    } finally {
      await handle.close();
    }
  });

  it('a closed handle is unavailable; a duplicate key or a syntax error is not', async () => {
    const handle = openDatabase(await fresh(engine));
    await sql`create table t (id int primary key)`.execute(handle.db);
    await sql`insert into t values (1)`.execute(handle.db);
    const duplicate = await rejectionOf(sql`insert into t values (1)`.execute(handle.db));
    expect(isUniqueViolation(duplicate)).toBe(true);
    expect(isDatabaseUnavailable(duplicate)).toBe(false);
    expect(isDatabaseUnavailable(await rejectionOf(sql`selec 1`.execute(handle.db)))).toBe(false);
    await handle.close();
    expect(isDatabaseUnavailable(await rejectionOf(handle.ping()))).toBe(true);
  });
});

describe('sqlite', () => {
  it('a file locked by another writer past the busy timeout is unavailable', () =>
    withTemporaryDirectory('busy', (dir) => {
      const holder = new SQLite(join(dir, 'db'));
      const waiter = new SQLite(join(dir, 'db'), { timeout: 0 });
      try {
        holder.exec('begin immediate');
        let error: unknown;
        try {
          waiter.exec('begin immediate');
        } catch (caught) {
          error = caught;
        }
        expect(isDatabaseUnavailable(error)).toBe(true);
      } finally {
        holder.close();
        waiter.close();
      }
    }));
});

describe('wrapped errors', () => {
  it('are recognised through cause, as a failed migration reports its driver error', async () => {
    const handle = openDatabase('postgres://postgres@127.0.0.1:1/test');
    try {
      const refused = await rejectionOf(handle.ping());
      expect(isDatabaseUnavailable(new Error('migration 001 failed', { cause: refused }))).toBe(true);
      expect(isDatabaseUnavailable(new Error('migration 001 failed', { cause: new Error('syntax') }))).toBe(false);
    } finally {
      await handle.close();
    }
  });
});
