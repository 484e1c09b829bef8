import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Database } from './schema.js';

export type Engine = 'sqlite';

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: Engine;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the database a DATABASE_URL names. Only `sqlite:PATH` for now; the engine is chosen here alone. */
export function openDatabase(url: string): DatabaseHandle {
  if (!url.startsWith('sqlite:')) {
    throw new Error(`DATABASE_URL "${redactUrl(url)}" is not supported: use sqlite:PATH`);
  }
  const path = url.slice('sqlite:'.length);
  if (path === '') throw new Error('DATABASE_URL sqlite: needs a file path, for example sqlite:./data/weapp-auth.db');
  mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  // WAL lets readers run beside the writer; busy_timeout covers a CLI migrating while the server runs.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    db,
    engine: 'sqlite',
    async ping(): Promise<void> {
      await sql`select 1`.execute(db);
    },
    async close(): Promise<void> {
      await db.destroy();
    },
  };
}

/** A URL safe to print: any password replaced. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
