import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import { createTestDatabase, type TestDatabase } from '../support/test-databases.js';
import { defineStoreConformance } from './conformance.js';

defineStoreConformance('postgres', () => createTestDatabase('postgres'));

describe('postgres specifics', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    handle = openDatabase(database.url);
  });
  afterAll(async () => {
    await handle.close();
    await database.drop();
  });

  it('parses BIGINT as a number on our pool only, leaving pg’s global parsers alone', async () => {
    const query = 'select 1764000000123::int8 as n, count(*) as c from (values (1)) v';
    const ours = await sql.raw<{ n: number; c: number }>(query).execute(handle.db);
    expect(ours.rows[0]).toStrictEqual({ n: 1_764_000_000_123, c: 1 });
    // Another pg user in the same process still gets int8 as a string, as pg documents.
    const other = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      expect((await other.query(query)).rows[0]).toStrictEqual({ n: '1764000000123', c: '1' });
    } finally {
      await other.end();
    }
  });
});
