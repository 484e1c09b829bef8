import { type Dialect, Kysely, sql } from 'kysely';
import type { Engine } from './database-url.js';
import { reportingOutages } from './outages.js';
import type { Database } from './schema.js';

/** Connections open, idle, and requests waiting for one. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** An open database, whichever engine: what the opener (database.ts) returns and everything else uses. */
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
 * The handle every engine returns: the same ping and close whatever the dialect underneath, and the same errors:
 * a query that fails because the database cannot be reached fails with DATABASE_UNAVAILABLE (outages.ts).
 */
export function kyselyHandle(dialect: Dialect, engine: Engine, poolStats: () => PoolStats): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: reportingOutages(dialect) });
  return {
    db,
    engine,
    poolStats,
    async ping(): Promise<void> {
      await sql`select 1`.execute(db);
    },
    async close(): Promise<void> {
      await db.destroy();
    },
  };
}
