import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/test-databases.js';
import { defineStoreConformance } from './conformance.js';
import { useFreshHandle } from './fresh-handle.js';

defineStoreConformance('mariadb', () => createTestDatabase('mariadb'));

describe('mariadb specifics', () => {
  const fresh = useFreshHandle('mariadb', { migrate: true });

  it('creates every table utf8mb4_bin on InnoDB even in a latin1, case-insensitive database', async () => {
    const { rows } = await sql<{ name: string; collation: string; engine: string; database_collation: string }>`
      select t.table_name as name, t.table_collation as collation, t.engine as engine,
             s.default_collation_name as database_collation
      from information_schema.tables t join information_schema.schemata s on s.schema_name = t.table_schema
      where t.table_schema = database() and t.table_name not like 'kysely%'
      order by t.table_name`.execute(fresh.handle.db);
    // Every table, including ones added by later migrations.
    expect(rows.map((row) => row.name)).toEqual(
      expect.arrayContaining(['accounts', 'audit_events', 'refresh_tokens', 'sessions', 'signing_keys', 'union_identities', 'users']),
    );
    expect(rows.filter((row) => row.collation !== 'utf8mb4_bin' || row.engine !== 'InnoDB')).toStrictEqual([]);
    expect(rows[0]?.database_collation).toBe('latin1_swedish_ci');
  });

  it('talks utf8mb4 on the connection and returns BIGINT as a number', async () => {
    const { rows } = await sql<{ charset: string; n: number }>`
      select @@character_set_client as charset, cast(1764000000123 as signed) as n`.execute(fresh.handle.db);
    expect(rows[0]).toStrictEqual({ charset: 'utf8mb4', n: 1_764_000_000_123 });
  });
});
