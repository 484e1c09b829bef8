import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { removeDirectory, temporaryDirectory } from './temporary-directory.js';

/** Engines the tests run on. `mariadb` speaks the `mysql://` URL (the store's `mysql` engine). */
export type TestEngine = 'sqlite' | 'postgres' | 'mariadb';

export const TEST_ENGINES: readonly TestEngine[] = ['sqlite', 'postgres', 'mariadb'];

/** Administrative connections used only to create and drop the per-test databases. */
const POSTGRES_ADMIN_URL = process.env.WEAPP_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MARIADB_ADMIN_URL = process.env.WEAPP_TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test';

export interface TestDatabase {
  engine: TestEngine;
  /** The DATABASE_URL naming it. */
  url: string;
  /** Removes the database and everything in it. */
  drop(): Promise<void>;
}

/** The engine WEAPP_TEST_ENGINE names (set per vitest project); sqlite when unset. */
export function testEngine(): TestEngine {
  const value = process.env.WEAPP_TEST_ENGINE ?? 'sqlite';
  if (!(TEST_ENGINES as readonly string[]).includes(value)) {
    throw new Error(`WEAPP_TEST_ENGINE=${value} is not one of ${TEST_ENGINES.join(', ')}`);
  }
  return value as TestEngine;
}

/**
 * A new, empty database of its own on `engine`, so test files running in parallel and reruns after a crash never
 * see each other's rows. SQLite gets a file in a new temporary directory (or in `dir` when given).
 */
export async function createTestDatabase(engine: TestEngine, dir?: string): Promise<TestDatabase> {
  if (engine === 'sqlite') return sqliteDatabase(dir);
  // Random, lower-case and unquoted-identifier safe on both servers.
  const name = `weapp_test_${randomBytes(6).toString('hex')}`;
  return engine === 'postgres' ? postgresDatabase(name) : mariadbDatabase(name);
}

function sqliteDatabase(dir: string | undefined): TestDatabase {
  const ownsDir = dir === undefined;
  const where = dir ?? temporaryDirectory('db');
  const file = join(where, 'weapp-auth.db');
  return {
    engine: 'sqlite',
    url: `sqlite:${file}`,
    async drop(): Promise<void> {
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      if (ownsDir) removeDirectory(where);
    },
  };
}

async function postgresDatabase(name: string): Promise<TestDatabase> {
  await onPostgres(`create database ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    engine: 'postgres',
    url: url.toString(),
    // FORCE ends connections a test left open (PostgreSQL 13+), so a failed test cannot keep its database alive.
    drop: () => onPostgres(`drop database if exists ${name} with (force)`),
  };
}

async function onPostgres(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function mariadbDatabase(name: string): Promise<TestDatabase> {
  // latin1 with a case-insensitive collation on purpose: the worst default a MySQL server may have. Tables must
  // still come out utf8mb4 with binary collation, because the migrations say so rather than inheriting it.
  await onMariadb(`create database ${name} character set latin1 collate latin1_swedish_ci`);
  const url = new URL(MARIADB_ADMIN_URL);
  url.pathname = `/${name}`;
  return { engine: 'mariadb', url: url.toString(), drop: () => onMariadb(`drop database if exists ${name}`) };
}

async function onMariadb(statement: string): Promise<void> {
  const connection = await createConnection({ uri: MARIADB_ADMIN_URL, connectTimeout: 5_000 });
  try {
    await connection.query(statement);
  } finally {
    await connection.end();
  }
}
