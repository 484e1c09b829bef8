import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { WeappAuthError } from '../../src/lib/errors.js';
import { RedisKv } from '../../src/store/kv/redis.js';
import { openDatabase } from '../../src/store/sql/database.js';
import { runTransaction } from '../../src/store/sql/run-transaction.js';
import { isUniqueViolation } from '../../src/store/sql/transaction-conflict.js';
import { rejectionOf } from '../support/rejection.js';
import { createTestDatabase, type TestDatabase } from '../support/test-databases.js';

/**
 * The store's boundary: what callers above it see of an outage is a WeappAuthError with a stable code, never a
 * driver's error to classify; every other driver error passes as the driver threw it.
 */
const created: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(created.map((database) => database.drop()));
});

describe.each([
  ['postgres', 'postgres://postgres@127.0.0.1:1/test'],
  ['mariadb', 'mysql://root@127.0.0.1:1/test'],
] as const)('%s', (engine, refusedUrl) => {
  it('a query, a transaction and a ping on a database that cannot be reached fail with DATABASE_UNAVAILABLE, the driver’s error as cause', async () => {
    const handle = openDatabase(refusedUrl);
    try {
      const failures = [
        await rejectionOf(handle.db.selectFrom('users').selectAll().execute()),
        await rejectionOf(handle.db.transaction().execute(async (tx) => tx.selectFrom('users').selectAll().execute())),
        await rejectionOf(handle.ping()),
      ];
      for (const error of failures) {
        expect(error).toBeInstanceOf(WeappAuthError);
        expect(error).toMatchObject({ code: 'DATABASE_UNAVAILABLE', message: 'the database cannot be reached' });
        expect(JSON.stringify((error as Error).cause) + String((error as Error).cause)).toMatch(/ECONNREFUSED/);
      }
    } finally {
      await handle.close();
    }
  });

  it('a duplicate key and a syntax error pass as the driver threw them, and a racing transaction is still retried', async () => {
    const database = await createTestDatabase(engine);
    created.push(database);
    const handle = openDatabase(database.url);
    try {
      await sql`create table t (id int primary key)`.execute(handle.db);
      await sql`insert into t values (1)`.execute(handle.db);
      const duplicate = await rejectionOf(sql`insert into t values (1)`.execute(handle.db));
      expect(duplicate).not.toBeInstanceOf(WeappAuthError);
      expect(isUniqueViolation(duplicate)).toBe(true);
      expect(await rejectionOf(sql`selec 1`.execute(handle.db))).not.toBeInstanceOf(WeappAuthError);

      let attempts = 0;
      await runTransaction(handle.db, 'conflict', async (tx) => {
        attempts += 1;
        await sql`insert into t values (${attempts})`.execute(tx);
      });
      expect(attempts).toBe(2);
    } finally {
      await handle.close();
    }
  });
});

describe('redis', () => {
  it('a Redis that cannot be reached fails with REDIS_UNAVAILABLE, its reason as cause and none of the command’s arguments', async () => {
    const kv = new RedisKv('redis://127.0.0.1:1', 'weapp-test:unreachable:');
    try {
      const error = await rejectionOf(kv.set('refresh:secret-key-name', 'secret-token-value', 1000));
      expect(error).toBeInstanceOf(WeappAuthError);
      expect(error).toMatchObject({ code: 'REDIS_UNAVAILABLE', message: 'Redis, which this request needs, cannot be reached' });
      const cause = (error as Error).cause as Error;
      expect(cause.message).toMatch(/^redis set: /);
      expect(`${cause.message}${cause.stack}`).not.toMatch(/secret-key-name|secret-token-value/);
    } finally {
      await kv.close();
    }
  });
});
