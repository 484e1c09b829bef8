import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sql/database.js';
import { createTestDatabase, type TestDatabase } from '../support/test-databases.js';

const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

/** A query that holds its connection for a while, so concurrent ones need connections of their own. */
const HOLD = { postgres: sql`select pg_sleep(0.3)`, mariadb: sql`select sleep(0.3)` } as const;

describe.each(['postgres', 'mariadb'] as const)('the %s pool', (engine) => {
  it('opens as many connections as it is given and no more, queueing the rest', async () => {
    const database = await createTestDatabase(engine);
    databases.push(database);
    for (const poolSize of [2, 5]) {
      const handle = openDatabase(database.url, { poolSize });
      try {
        let peak = { total: 0, waiting: 0 };
        const running = Promise.all(Array.from({ length: 8 }, () => HOLD[engine].execute(handle.db)));
        const sampler = setInterval(() => {
          const stats = handle.poolStats();
          peak = { total: Math.max(peak.total, stats.total), waiting: Math.max(peak.waiting, stats.waiting) };
        }, 20);
        await running;
        clearInterval(sampler);
        expect(peak.total).toBe(poolSize);
        expect(peak.waiting).toBeGreaterThan(0);
      } finally {
        await handle.close();
      }
    }
  });
});
