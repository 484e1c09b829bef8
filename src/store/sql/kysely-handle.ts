import { type Kysely, sql } from 'kysely';
import type { DatabaseHandle, Engine, PoolStats } from './database.js';
import type { Database } from './schema.js';

/** The handle every engine returns: the same ping and close whatever the dialect underneath. */
export function kyselyHandle(db: Kysely<Database>, engine: Engine, poolStats: () => PoolStats): DatabaseHandle {
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
