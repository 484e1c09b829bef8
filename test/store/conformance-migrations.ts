import type { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engineOf, openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { findUserById, insertUser } from '../../src/store/users.js';
import { startTsWorker } from '../support/ts-worker.js';
import type { StoreContext } from './conformance.js';
import { migrateOnce, type MigrateAnswer } from './migrate-once.js';
import { userRow } from './rows.js';

/** Instances starting together, each with its own connections, as a scaled-out start does. */
const INSTANCES = 4;

export function defineMigrationTests(ctx: StoreContext): void {
  describe('migrations', () => {
    it('apply every migration on a fresh database, and nothing when run again', async () => {
      expect(ctx.firstMigration.length).toBeGreaterThan(0);
      expect(ctx.firstMigration.every((result) => result.status === 'Success')).toBe(true);
      expect(await migrateToLatest(ctx.db)).toStrictEqual([]);
      expect(await appliedMigrations(ctx)).toStrictEqual(ctx.firstMigration.map((result) => result.migrationName));
    });

    it(`run once when ${INSTANCES} instances migrate a fresh database at the same time`, async () => {
      const url = await ctx.fresh();
      // SQLite waits for its file lock synchronously, blocking the thread as it would a separate process: its
      // instances need threads. Pooled engines wait asynchronously, so handles in this thread race for real.
      const answers =
        engineOf(url) === 'sqlite'
          ? await migrateInThreads(url)
          : await Promise.all(Array.from({ length: INSTANCES }, () => migrateOnce(url)));
      const failed = answers.flatMap((answer) => (answer.ok ? [] : [answer.message]));
      expect(failed).toStrictEqual([]);
      // Each migration ran in exactly one instance; the others found it applied (under the migration lock).
      const ran = answers.flatMap((answer) => (answer.ok ? answer.ran : []));
      expect(ran.sort()).toStrictEqual(ctx.firstMigration.map((result) => `${result.migrationName}:Success`).sort());
      const handle = openDatabase(url);
      try {
        expect(await appliedMigrations(handle)).toStrictEqual(ctx.firstMigration.map((result) => result.migrationName));
        // The schema is whole: the last migration's column is there.
        const user = userRow({ phone_pure_number: '61234567' });
        await insertUser(handle.db, user);
        expect(await findUserById(handle.db, user.id)).toStrictEqual(user);
      } finally {
        await handle.close();
      }
    });
  });
}

/** Migrations in INSTANCES threads, released together once every thread has loaded. */
async function migrateInThreads(url: string): Promise<MigrateAnswer[]> {
  const workers = Array.from({ length: INSTANCES }, () => startTsWorker(new URL('./migrate-worker.ts', import.meta.url), { url }));
  const next = (worker: Worker): Promise<unknown> =>
    new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  await Promise.all(workers.map(next));
  const answers = workers.map((worker) => next(worker) as Promise<MigrateAnswer>);
  for (const worker of workers) worker.postMessage('go');
  return Promise.all(answers);
}

/** Names in Kysely's bookkeeping table, in the order they ran. */
async function appliedMigrations(ctx: Pick<StoreContext, 'db'>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by timestamp, name`.execute(ctx.db);
  return rows.map((row) => row.name);
}
