import type { Kysely } from 'kysely';
import { openMysql } from './mysql-database.js';
import { openPostgres } from './postgres-database.js';
import type { Database } from './schema.js';
import { openSqlite } from './sqlite-database.js';

export type Engine = 'sqlite' | 'postgres' | 'mysql';

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: Engine;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  /** Connections open, idle, and requests waiting for one: for metrics. */
  poolStats(): PoolStats;
  close(): Promise<void>;
}

/**
 * Opens the database a DATABASE_URL names: `sqlite:PATH`, `postgres://…` (or `postgresql://…`), `mysql://…`
 * (MySQL 8 or MariaDB). The engine is chosen here alone; nothing else in the code asks which one it is talking to.
 * Pools connect lazily, so a database that is down fails the first query (a 503), not the start.
 */
export function openDatabase(url: string): DatabaseHandle {
  const engine = engineOf(url);
  if (engine === 'sqlite') return openSqlite(url.slice('sqlite:'.length));
  if (engine === 'postgres') return openPostgres(url);
  if (engine === 'mysql') return openMysql(url);
  throw new Error(`DATABASE_URL "${redactUrl(url)}" is not supported: use sqlite:PATH, postgres://… or mysql://…`);
}

/** The engine a DATABASE_URL names, by its scheme; undefined for anything else. */
export function engineOf(url: string): Engine | undefined {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return 'postgres';
  if (url.startsWith('mysql://')) return 'mysql';
  return undefined;
}

/** A URL safe to print: any password replaced, however it is spelt (empty user, '/' or '@' inside it). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL (sqlite:PATH has no password): mask anything between '//' and the last '@' to be safe.
    return url.replace(/\/\/[^/]*@/, '//***@');
  }
}
