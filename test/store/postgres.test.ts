import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/test-databases.js';
import { defineStoreConformance } from './conformance.js';
import { useFreshHandle } from './fresh-handle.js';

defineStoreConformance('postgres', () => createTestDatabase('postgres'));

describe('postgres specifics', () => {
  const fresh = useFreshHandle('postgres', { migrate: false });

  it('parses BIGINT as a number on our pool only, leaving pg’s global parsers alone', async () => {
    const query = 'select 1764000000123::int8 as n, count(*) as c from (values (1)) v';
    const ours = await sql.raw<{ n: number; c: number }>(query).execute(fresh.handle.db);
    expect(ours.rows[0]).toStrictEqual({ n: 1_764_000_000_123, c: 1 });
    // Another pg user in the same process still gets int8 as a string, as pg documents.
    const other = new pg.Pool({ connectionString: fresh.url, max: 1 });
    try {
      expect((await other.query(query)).rows[0]).toStrictEqual({ n: '1764000000123', c: '1' });
    } finally {
      await other.end();
    }
  });
});
