import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { privateDirectory, privateFile } from '../../lib/private-files.js';
import { ConfigError } from '../../server/config.js';
import type { DatabaseHandle } from './database.js';
import { kyselyHandle } from './kysely-handle.js';
import type { Database } from './schema.js';

/** One SQLite file, one connection: Kysely serialises its use, so transactions never interleave. */
export function openSqlite(path: string): DatabaseHandle {
  if (path === '') throw new ConfigError('DATABASE_URL sqlite: needs a file path, for example sqlite:./data/weapp-auth.db');
  if (path !== ':memory:') {
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  // One connection, always open; Kysely queues callers in the process, which this does not see.
  return kyselyHandle(db, 'sqlite', () => ({ total: 1, idle: 1, waiting: 0 }));
}
