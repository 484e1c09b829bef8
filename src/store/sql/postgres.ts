import { PostgresDialect } from 'kysely';
import type pgModule from 'pg';
import { loadWhenNeeded } from '../../lib/optional-module.js';
import { type DatabaseHandle, kyselyHandle } from './handle.js';
import { DEFAULT_POOL_SIZE, POOL_SETTINGS } from './pool-settings.js';

const INT8_OID = 20;

/**
 * pg returns BIGINT (int8) as a string because it may exceed 2^53. Our BIGINT columns hold epoch milliseconds
 * and counts, far below that, and the code compares them as numbers. Set on this pool only: changing pg.types
 * globally would also change every other pg user in the process.
 */
function typesOf(pg: typeof pgModule): pgModule.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID && format !== 'binary'
        ? (value: string) => Number(value)
        : pg.types.getTypeParser(oid, format)) as pgModule.CustomTypesConfig['getTypeParser'],
  };
}

export function openPostgres(url: string, poolSize = DEFAULT_POOL_SIZE): DatabaseHandle {
  const pg = loadWhenNeeded<typeof pgModule>('pg');
  const types = typesOf(pg);
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Covers both reaching the server and waiting for a free connection in the pool.
    connectionTimeoutMillis: POOL_SETTINGS.connectTimeoutMs,
    idleTimeoutMillis: POOL_SETTINGS.idleTimeoutMs,
    types,
  });
  // A connection the server drops (restart, failover, pg_terminate_backend) emits 'error'; with no listener the
  // process would crash. pg-pool listens only while a connection is idle, so give each connection its own
  // listener for the time it is checked out. The query in flight fails (DATABASE_UNAVAILABLE), the pool discards
  // the connection, and the next query opens a new one.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return kyselyHandle(new PostgresDialect({ pool }), 'postgres', () => ({
    total: pool.totalCount,
    idle: pool.idleCount,
    waiting: pool.waitingCount,
  }));
}
