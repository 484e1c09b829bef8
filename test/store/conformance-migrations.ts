import type { Worker } from 'node:worker_threads';
import { type Kysely, sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { engineOf, openDatabase } from '../../src/store/sql/database.js';
import { MIGRATION_NAMES, migrateToLatest } from '../../src/store/sql/migrations.js';
import { isUniqueViolation } from '../../src/store/sql/transaction-conflict.js';
import type { AccountRow } from '../../src/store/tables/accounts.js';
import { findSession, insertSession } from '../../src/store/tables/sessions.js';
import { findUserById, insertUser, type UserRow } from '../../src/store/tables/users.js';
import { migrateToLatest as migrateLikeRelease01 } from '../fixtures/v0.1/migrations.js';
import { rejectionOf } from '../support/rejection.js';
import { startTsWorker } from '../support/ts-worker.js';
import type { StoreContext } from './conformance.js';
import { type MigrateAnswer, migrateOnce } from './migrate-once.js';
import { sessionRow, T0, userRow } from './rows.js';

const APP_A = 'wx00000000000000a1';
const APP_B = 'wx00000000000000b2';

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

    it('move a 0.1 database’s WeChat accounts, unionids, sessions and audit events into the provider-neutral tables', async () => {
      const url = await ctx.fresh();
      const handle = openDatabase(url);
      try {
        // The release's own migrations build its schema; its rows go in as it wrote them.
        const db = handle.db as unknown as Kysely<any>;
        await migrateLikeRelease01(db);
        // Users as they are today; 0.1 had a unionid and no guests (every one of them is migrated to guest 0).
        const users = [userRow({ created_at: T0 }), userRow({ created_at: T0 + 1 })];
        const [linked, lone] = users as [UserRow, UserRow];
        const v01User = ({ guest: _guest, ...user }: UserRow, unionid: string | null): Record<string, unknown> => ({ ...user, unionid });
        await db
          .insertInto('users')
          .values([v01User(linked, 'oUnionAbC'), v01User(lone, null)])
          .execute();
        const v01Account = (appid: string, openid: string, userId: string, unionid: string | null): Record<string, unknown> => {
          return {
            appid,
            openid,
            user_id: userId,
            unionid,
            session_key_sealed: `v1.${openid}`,
            session_key_updated_at: T0 + 5,
            created_at: T0 + 2,
          };
        };
        await db
          .insertInto('wechat_accounts')
          .values([
            v01Account(APP_A, 'oOpenA', linked.id, 'oUnionAbC'),
            v01Account(APP_B, 'oOpenB', linked.id, 'oUnionAbC'),
            v01Account(APP_A, 'oOpenLone', lone.id, null),
          ])
          .execute();
        const { provider: _provider, app: _app, subject: _subject, ...session } = sessionRow(linked.id);
        await db
          .insertInto('sessions')
          .values({ ...session, appid: APP_B, openid: 'oOpenB' })
          .execute();
        const event = {
          id: uuidv7(),
          at: T0,
          type: 'login',
          user_id: linked.id,
          session_id: session.id,
          request_id: null,
          ip: null,
          user_agent: null,
          details: null,
        };
        await db
          .insertInto('audit_events')
          .values({ ...event, appid: APP_B })
          .execute();

        // Every migration after the release's three runs, and succeeds.
        const applied = (await migrateToLatest(handle.db))?.map((result) => `${result.migrationName}:${result.status}`);
        expect(applied).toStrictEqual(MIGRATION_NAMES.slice(3).map((name) => `${name}:Success`));

        const account = (app: string, subject: string, userId: string, unionKey: string | null): AccountRow => {
          const union = { union_family: unionKey === null ? null : 'wechat', union_key: unionKey };
          return {
            provider: 'wechat',
            app,
            subject,
            user_id: userId,
            ...union,
            secret_sealed: `v1.${subject}`,
            secret_updated_at: T0 + 5,
            created_at: T0 + 2,
          };
        };
        expect(await handle.db.selectFrom('accounts').selectAll().orderBy('subject').execute()).toStrictEqual([
          account(APP_A, 'oOpenA', linked.id, 'oUnionAbC'),
          account(APP_B, 'oOpenB', linked.id, 'oUnionAbC'),
          account(APP_A, 'oOpenLone', lone.id, null),
        ]);
        expect(await handle.db.selectFrom('union_identities').selectAll().execute()).toStrictEqual([
          { family: 'wechat', union_key: 'oUnionAbC', user_id: linked.id, created_at: T0 },
        ]);
        expect(await handle.db.selectFrom('users').selectAll().orderBy('created_at').execute()).toStrictEqual(users);
        expect(await findSession(handle.db, session.id)).toStrictEqual({ ...session, provider: 'wechat', app: APP_B, subject: 'oOpenB' });
        expect(await handle.db.selectFrom('audit_events').selectAll().execute()).toStrictEqual([{ ...event, provider: null, app: APP_B }]);

        // SQLite rebuilt users under deferred foreign keys: every reference still resolves, and is still enforced.
        if (engineOf(url) === 'sqlite') expect((await sql`pragma foreign_key_check`.execute(handle.db)).rows).toStrictEqual([]);
        expect(isUniqueViolation(await rejectionOf(insertSession(handle.db, sessionRow(userRow().id))))).toBe(false);
        // Other platforms' app ids and subjects fit where WeChat's 18-character appids and 28-character openids did.
        const wide = sessionRow(lone.id, { provider: 'baidu', app: 'k'.repeat(64), subject: 's'.repeat(128) });
        await insertSession(handle.db, wide);
        expect(await findSession(handle.db, wide.id)).toStrictEqual(wide);
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
