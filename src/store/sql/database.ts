import { ConfigError } from '../../lib/config-error.js';
import { engineOf, redactUrl, unsupportedDatabaseUrl } from './database-url.js';
import type { DatabaseHandle } from './handle.js';
import { openMysql } from './mysql.js';
import { driverError } from './outages.js';
import { openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';

export { type Engine, engineOf, redactUrl } from './database-url.js';
export type { DatabaseHandle, PoolStats } from './handle.js';

export interface OpenOptions {
  /**
   * false: a SQLite file that does not exist yet is refused (a ConfigError saying to migrate), not created empty.
   * For commands that only read; PostgreSQL and MySQL databases are never created by weapp-auth.
   */
  create?: boolean;
  /** Connections of a PostgreSQL or MySQL pool (DATABASE_POOL_SIZE); SQLite has its one. */
  poolSize?: number;
}

/**
 * Opens the database a DATABASE_URL names: `sqlite:PATH`, `postgres://…` (or `postgresql://…`), `mysql://…`
 * (MySQL 8 or MariaDB; `mariadb://…` too). The engine is chosen here alone; nothing else in the code asks which one
 * it is talking to. Pools connect lazily, so a database that goes down later fails queries (a 503), not the process.
 */
export function openDatabase(url: string, options: OpenOptions = {}): DatabaseHandle {
  const engine = engineOf(url);
  if (engine === 'sqlite') return openSqlite(url.slice('sqlite:'.length), options.create ?? true);
  if (engine === 'postgres') return openPostgres(url, options.poolSize);
  if (engine === 'mysql') return openMysql(url, options.poolSize);
  throw new ConfigError(unsupportedDatabaseUrl(url));
}

/**
 * Opens the database and makes one round trip, for a start: a database that is missing, unreachable or refuses
 * the credentials stops the process with the cause and the DATABASE_URL (password masked), not a stack trace from
 * whichever query happened to come first.
 */
export async function connectDatabase(url: string, options: OpenOptions = {}): Promise<DatabaseHandle> {
  let database: DatabaseHandle | undefined;
  try {
    database = openDatabase(url, options);
    await database.ping();
    return database;
  } catch (error) {
    await database?.close().catch(() => {});
    if (error instanceof ConfigError) throw error;
    const check =
      engineOf(url) === 'sqlite'
        ? 'Check that the file, or the directory it goes in, can be written by this user.'
        : 'Check that the server is running and reachable, the database exists (weapp-auth creates tables, not the database) and the credentials are right.';
    throw new ConfigError(`cannot use the database at DATABASE_URL=${redactUrl(url)}: ${describeCause(driverError(error))}. ${check}`, {
      cause: error,
    });
  }
}

/** An error's message, or what a driver left instead (a connection refused on several addresses has none). */
function describeCause(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') return error.errors.map(describeCause).join('; ');
  if (error instanceof Error) return error.message !== '' ? error.message : ((error as NodeJS.ErrnoException).code ?? error.name);
  return String(error);
}
