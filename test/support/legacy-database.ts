import { copyFileSync, readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { openDatabase } from '../../src/store/sql/database.js';
import { FIXTURE_FILES, type FixtureManifest, type FixtureRows, type StoredValue } from '../fixtures/v0.1/manifest.js';
// The release's own migrations (a verbatim copy of its src/store/migrations.ts): the schema it would have built.
import { migrateToLatest as migrateLikeTheRelease, MIGRATION_NAMES as RELEASE_MIGRATIONS } from '../fixtures/v0.1/migrations.js';
import { createTestDatabase, type TestDatabase, type TestEngine } from './test-databases.js';

/** The release's tables, parents before children (foreign keys). */
const TABLES_IN_DEPENDENCY_ORDER = ['users', 'wechat_accounts', 'sessions', 'refresh_tokens', 'signing_keys', 'audit_events'];
/** Kysely's bookkeeping: the release's migrator writes these itself, recording what it applied. */
const MIGRATOR_TABLES = ['kysely_migration', 'kysely_migration_lock'];

export function readV01Manifest(): FixtureManifest {
  return JSON.parse(readFileSync(FIXTURE_FILES.manifest, 'utf8')) as FixtureManifest;
}

export function readV01Rows(): FixtureRows {
  return JSON.parse(readFileSync(FIXTURE_FILES.rows, 'utf8')) as FixtureRows;
}

/**
 * A fresh test database on `engine` holding the v0.1 fixture, as weapp-auth 0.1.0 left it: on SQLite the very
 * file that release wrote; on PostgreSQL and MariaDB the schema its migrations build, up to its last one, with
 * the same rows. Not migrated any further: starting today's server on it is the upgrade under test.
 */
export async function loadV01Database(engine: TestEngine): Promise<TestDatabase> {
  const database = await createTestDatabase(engine);
  try {
    if (engine === 'sqlite') copyFileSync(FIXTURE_FILES.sqlite, database.url.slice('sqlite:'.length));
    else await rebuild(database.url);
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}

async function rebuild(url: string): Promise<void> {
  const lastMigration = RELEASE_MIGRATIONS[RELEASE_MIGRATIONS.length - 1];
  if (lastMigration !== readV01Manifest().lastMigration) {
    throw new Error(`the release's migrations end at ${lastMigration}, the fixture at ${readV01Manifest().lastMigration}`);
  }
  const rows = readV01Rows();
  const unknown = Object.keys(rows).filter((table) => !TABLES_IN_DEPENDENCY_ORDER.includes(table) && !MIGRATOR_TABLES.includes(table));
  if (unknown.length > 0) throw new Error(`rows.json has tables the loader does not know: ${unknown.join(', ')}`);

  const handle = openDatabase(url);
  try {
    // Migrations run against whatever schema the database has, hence Kysely<any> (as in src/store/migrations.ts).
    const db = handle.db as unknown as Kysely<any>;
    await migrateLikeTheRelease(db);
    for (const table of TABLES_IN_DEPENDENCY_ORDER) {
      const tableRows = rows[table] ?? [];
      if (tableRows.length === 0) continue;
      await db.insertInto(table).values(tableRows.map(decodeRow)).execute();
    }
  } finally {
    await handle.close();
  }
}

function decodeRow(row: Record<string, StoredValue>): Record<string, string | number | null | Buffer> {
  return Object.fromEntries(
    Object.entries(row).map(([column, value]) => [
      column,
      value !== null && typeof value === 'object' ? Buffer.from(value.$base64, 'base64') : value,
    ]),
  );
}
