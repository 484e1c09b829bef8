import { MysqlDialect } from 'kysely';
import type * as mysql2 from 'mysql2';
import { loadWhenNeeded } from '../../lib/optional-module.js';
import { type DatabaseHandle, kyselyHandle } from './handle.js';
import { DEFAULT_POOL_SIZE, POOL_SETTINGS } from './pool-settings.js';

/** MySQL 8 and MariaDB 10.11+, through mysql2's pool. Options given here win over the URL's query string. */
export function openMysql(url: string, poolSize = DEFAULT_POOL_SIZE): DatabaseHandle {
  const pool = loadWhenNeeded<typeof mysql2>('mysql2').createPool({
    uri: url,
    connectionLimit: poolSize,
    maxIdle: poolSize,
    idleTimeout: POOL_SETTINGS.idleTimeoutMs,
    connectTimeout: POOL_SETTINGS.connectTimeoutMs,
    // Emoji in nicknames need 4-byte UTF-8 on the connection too, not only in the tables.
    charset: 'UTF8MB4_BIN',
    // BIGINT as a JS number (a string only beyond 2^53, which epoch milliseconds never reach).
    supportBigNumbers: true,
    bigNumberStrings: false,
    // affectedRows counts rows the WHERE matched, as on PostgreSQL and SQLite, not only rows whose values
    // changed: updateUser must say "found" even when it writes the same values (mysql2's default; pinned here).
    flags: ['FOUND_ROWS'],
    timezone: 'Z',
  });
  // mysql2 exposes no pool counters; these fields are its pool's own bookkeeping (stable since mysql2 1.x).
  const internals = pool as unknown as { _allConnections?: unknown[]; _freeConnections?: unknown[]; _connectionQueue?: unknown[] };
  return kyselyHandle(new MysqlDialect({ pool }), 'mysql', () => ({
    total: internals._allConnections?.length ?? 0,
    idle: internals._freeConnections?.length ?? 0,
    waiting: internals._connectionQueue?.length ?? 0,
  }));
}
