import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { type SqliteDatabase, SqliteDialect } from 'kysely';
import { LRUCache } from 'lru-cache';
import { ConfigError } from '../../lib/config-error.js';
import { privateDirectory, privateFile } from '../../lib/private-files.js';
import { type DatabaseHandle, kyselyHandle } from './handle.js';
import { notMigrated } from './migrations.js';

/**
 * One SQLite file, one connection: Kysely serialises its use, so transactions never interleave. `create: false`
 * (read-only commands) refuses a file that does not exist rather than leaving an empty one behind.
 */
export function openSqlite(path: string, create: boolean): DatabaseHandle {
  if (path === '') throw new ConfigError('DATABASE_URL sqlite: needs a file path, for example sqlite:./data/weapp-auth.db');
  if (path !== ':memory:') {
    if (!create && !existsSync(path)) throw new ConfigError(notMigrated(`sqlite:${path}`, 'does not exist yet'));
    privateDirectory(dirname(path));
    // Made 0600 before SQLite opens it: its -wal and -shm files are then created with the same mode.
    privateFile(path, true);
    for (const companion of [`${path}-wal`, `${path}-shm`]) privateFile(companion, false);
  }
  const sqlite = new SQLite(path);
  // WAL lets readers run beside the writer; busy_timeout covers a CLI migrating while the server runs.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  // One connection, always open; Kysely queues callers in the process, which this does not see.
  return kyselyHandle(new SqliteDialect({ database: preparedOnce(sqlite) }), 'sqlite', () => ({ total: 1, idle: 1, waiting: 0 }));
}

/**
 * Distinct SQL texts whose prepared statements are kept. The store's queries number a few dozen; texts that vary
 * (an `in` list of varying length) push out the least recently used instead of growing without bound.
 */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * The database as Kysely's dialect sees it, each SQL text prepared once and its statement reused: Kysely's SQLite
 * driver prepares anew on every query, which cost a login more CPU than running its statements. SQLite recompiles
 * a kept statement by itself when the schema changes under it (a migration, another process's). No statement runs
 * while another iterates (better-sqlite3 refuses it), so a kept statement is never found busy.
 */
export function preparedOnce(database: SQLite.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const statements = new LRUCache<string, SQLite.Statement>({ max: size });
  return {
    prepare(sql: string): SQLite.Statement {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
    close(): void {
      statements.clear();
      database.close();
    },
  };
}
