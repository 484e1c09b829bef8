import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseHandle } from './database.js';
import { kyselyHandle } from './kysely-handle.js';
import { POOL_SETTINGS } from './pool-settings.js';
import type { Database } from './schema.js';

const INT8_OID = 20;

/**
 * pg returns BIGINT (int8) as a string because it may exceed 2^53. Our BIGINT columns hold epoch milliseconds
 * and counts, far below that, and the code compares them as numbers. Set on this pool only: changing pg.types
 * globally would also change every other pg user in the process.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

export function openPostgres(url: string): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SETTINGS.maxConnections,
    // Covers both reaching the server and waiting for a free connection in the pool.
    connectionTimeoutMillis: POOL_SETTINGS.connectTimeoutMs,
    idleTimeoutMillis: POOL_SETTINGS.idleTimeoutMs,
    types,
  });
  // An idle connection dropped by the server (restart, failover) is reported here; without a listener the
  // process would crash. The pool discards that connection and the next query opens a new one.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return kyselyHandle(db, 'postgres');
}
