import {
  type CreateTableBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
  MysqlAdapter,
  SqliteAdapter,
  sql,
} from 'kysely';
import { ConfigError } from '../../lib/config-error.js';
import { redactUrl } from './database-url.js';
import { driverError } from './outages.js';

/**
 * Migrations live in code, not in files found at run time, so they ship inside the build and run the same from
 * `npm start`, the CLI and tests. Column types are chosen to mean the same on SQLite, PostgreSQL and MySQL:
 * bounded varchar for anything indexed (MySQL cannot index unbounded text), bigint for epoch-millisecond times.
 * Every table is created through `createTable` below, which pins MySQL's charset and collation.
 */
const migrations: Record<string, Migration> = {
  '2026-11-24-001-initial': {
    async up(db: Kysely<any>): Promise<void> {
      await createTable(db, 'users')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('unionid', 'varchar(64)', (c) => c.unique())
        .addColumn('nickname', 'varchar(128)')
        .addColumn('avatar_url', 'varchar(1024)')
        .addColumn('phone_number', 'varchar(32)')
        .addColumn('phone_country_code', 'varchar(8)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await createTable(db, 'wechat_accounts')
        .addColumn('appid', 'varchar(32)', (c) => c.notNull())
        .addColumn('openid', 'varchar(64)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
        .addColumn('unionid', 'varchar(64)')
        .addColumn('session_key_sealed', 'varchar(255)', (c) => c.notNull())
        .addColumn('session_key_updated_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('wechat_accounts_pk', ['appid', 'openid'])
        .execute();
      await db.schema.createIndex('wechat_accounts_user_id').on('wechat_accounts').column('user_id').execute();

      await createTable(db, 'sessions')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
        .addColumn('appid', 'varchar(32)', (c) => c.notNull())
        .addColumn('openid', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('revoke_reason', 'varchar(64)')
        .addColumn('user_agent', 'varchar(512)')
        .addColumn('ip', 'varchar(64)')
        .execute();
      await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();

      await createTable(db, 'refresh_tokens')
        .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('session_id', 'varchar(36)', (c) => c.notNull().references('sessions.id'))
        .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('parent_id', 'varchar(32)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .execute();
      await db.schema.createIndex('refresh_tokens_session_id').on('refresh_tokens').column('session_id').execute();
      await db.schema.createIndex('refresh_tokens_parent_id').on('refresh_tokens').column('parent_id').execute();

      await createTable(db, 'signing_keys')
        .addColumn('kid', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('algorithm', 'varchar(16)', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('private_jwk_sealed', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('retired_at', 'bigint')
        .execute();
    },
  },
  '2026-11-24-002-phone-pure-number': {
    async up(db: Kysely<any>): Promise<void> {
      // WeChat gives both the number with its country prefix (foreign numbers) and the bare national number.
      await db.schema.alterTable('users').addColumn('phone_pure_number', 'varchar(32)').execute();
    },
  },
  '2026-11-24-003-audit-events': {
    async up(db: Kysely<any>): Promise<void> {
      await createTable(db, 'audit_events')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('type', 'varchar(40)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(36)')
        .addColumn('session_id', 'varchar(36)')
        .addColumn('appid', 'varchar(32)')
        .addColumn('request_id', 'varchar(64)')
        .addColumn('ip', 'varchar(64)')
        .addColumn('user_agent', 'varchar(512)')
        .addColumn('details', 'text')
        .execute();
      await db.schema.createIndex('audit_events_user_at').on('audit_events').columns(['user_id', 'at']).execute();
      await db.schema.createIndex('audit_events_type_at').on('audit_events').columns(['type', 'at']).execute();
    },
  },
  '2026-11-24-004-settings-database-mode': {
    async up(db: Kysely<any>): Promise<void> {
      // Facts about the database itself, one row each; first 'mode': whether simulator or real WeChat users live here.
      await createTable(db, 'settings')
        .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('value', 'varchar(255)', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '2026-11-29-010-linked-accounts': {
    // WeChat mini programs become one identity provider among others: wechat_accounts and users.unionid move into
    // generic linked accounts (provider, app, subject) and union identities (family, key); sessions and audit
    // events name their provider and app. Rows, sealed session_keys (same associated data) and ids stay as they were.
    async up(db: Kysely<any>): Promise<void> {
      await createTable(db, 'accounts')
        .addColumn('provider', 'varchar(32)', (c) => c.notNull())
        .addColumn('app', 'varchar(64)', (c) => c.notNull())
        .addColumn('subject', 'varchar(128)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
        .addColumn('union_family', 'varchar(32)')
        .addColumn('union_key', 'varchar(128)')
        .addColumn('secret_sealed', 'varchar(255)')
        .addColumn('secret_updated_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('accounts_pk', ['provider', 'app', 'subject'])
        .execute();
      await db.schema.createIndex('accounts_user_id').on('accounts').column('user_id').execute();
      await db.schema.createIndex('accounts_union').on('accounts').columns(['union_family', 'union_key']).execute();

      // One row per (family, key): racing first logins of one person in two apps make one user, as users.unionid's
      // unique index did.
      await createTable(db, 'union_identities')
        .addColumn('family', 'varchar(32)', (c) => c.notNull())
        .addColumn('union_key', 'varchar(128)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('union_identities_pk', ['family', 'union_key'])
        .execute();
      await db.schema.createIndex('union_identities_user_id').on('union_identities').column('user_id').execute();

      await sql`
        insert into accounts (provider, app, subject, user_id, union_family, union_key, secret_sealed, secret_updated_at, created_at)
        select 'wechat', appid, openid, user_id, case when unionid is null then null else 'wechat' end, unionid,
               session_key_sealed, session_key_updated_at, created_at
        from wechat_accounts`.execute(db);
      await sql`
        insert into union_identities (family, union_key, user_id, created_at)
        select 'wechat', unionid, id, created_at from users where unionid is not null`.execute(db);
      await db.schema.dropTable('wechat_accounts').execute();
      await dropUsersUnionid(db);

      const sessions = db.schema.alterTable('sessions');
      await sessions.addColumn('provider', 'varchar(32)', (c) => c.notNull().defaultTo('wechat')).execute();
      await sessions.renameColumn('appid', 'app').execute();
      await sessions.renameColumn('openid', 'subject').execute();
      await widenColumn(db, 'sessions', 'app', 'varchar(64)', true);
      await widenColumn(db, 'sessions', 'subject', 'varchar(128)', true);
      await db.schema.alterTable('audit_events').renameColumn('appid', 'app').execute();
      await widenColumn(db, 'audit_events', 'app', 'varchar(64)', false);
      // Null on the events written before: all WeChat's, but an audit trail records what was known, not a guess.
      await db.schema.alterTable('audit_events').addColumn('provider', 'varchar(32)').execute();
    },
  },
  '2026-11-29-011-guests': {
    // Douyin lets people use a mini program before logging in: such a user is a guest until an account of a real
    // login joins them. Every existing user logged in through a platform account, so none is a guest.
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .alterTable('users')
        .addColumn('guest', 'smallint', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
};

/**
 * Drops the unique users.unionid. SQLite cannot drop a UNIQUE column, so there the table is rebuilt, inside the
 * migration's transaction: the rows are copied aside, the table dropped and made again without the column, the
 * rows copied back. Foreign keys are on and other tables reference users, so their checks are deferred to the
 * commit, by which time every referenced user is back (re-inserting a parent settles the deferred violations).
 */
async function dropUsersUnionid(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    await db.schema.alterTable('users').dropColumn('unionid').execute();
    return;
  }
  const columns = sql.raw('id, nickname, avatar_url, phone_number, phone_country_code, created_at, updated_at, phone_pure_number');
  await sql`pragma defer_foreign_keys = on`.execute(db);
  await sql`create temp table users_before_unionid_drop as select ${columns} from users`.execute(db);
  await db.schema.dropTable('users').execute();
  await createTable(db, 'users')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('nickname', 'varchar(128)')
    .addColumn('avatar_url', 'varchar(1024)')
    .addColumn('phone_number', 'varchar(32)')
    .addColumn('phone_country_code', 'varchar(8)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('phone_pure_number', 'varchar(32)')
    .execute();
  await sql`insert into users (${columns}) select ${columns} from temp.users_before_unionid_drop`.execute(db);
  await sql`drop table temp.users_before_unionid_drop`.execute(db);
}

/** Widens a varchar column. SQLite does not enforce varchar lengths; MySQL's MODIFY restates the whole column. */
async function widenColumn(
  db: Kysely<any>,
  table: string,
  column: string,
  type: 'varchar(64)' | 'varchar(128)',
  notNull: boolean,
): Promise<void> {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof SqliteAdapter) return;
  const alter = db.schema.alterTable(table);
  if (adapter instanceof MysqlAdapter) await alter.modifyColumn(column, type, (c) => (notNull ? c.notNull() : c)).execute();
  else await alter.alterColumn(column, (c) => c.setDataType(type)).execute();
}

/**
 * `CREATE TABLE`, on MySQL/MariaDB with the table's charset and collation stated instead of inherited from a
 * database default that may be latin1 (no emoji) or case-insensitive. utf8mb4_bin compares ids byte for byte:
 * under a `_ci` collation two openids differing only in case would be one primary key, two people one account.
 * Other engines already compare text exactly. (Added before any MySQL deployment ran this migration.)
 */
function createTable(db: Kysely<any>, name: string): CreateTableBuilder<string, never> {
  const builder = db.schema.createTable(name);
  const isMysql = db.getExecutor().adapter instanceof MysqlAdapter;
  return isMysql ? builder.modifyEnd(sql`engine = InnoDB default character set utf8mb4 collate utf8mb4_bin`) : builder;
}

/** How long an instance waits for another one's migration to finish before giving up. */
const SQLITE_MIGRATION_LOCK_WAIT_MS = 60_000;

/**
 * Takes SQLite's write lock for the whole migration. busy_timeout (5 s) bounds one wait; a slow machine running
 * other instances' migrations can exceed that, so keep asking until the overall deadline.
 */
async function beginImmediate(connection: Kysely<any>): Promise<void> {
  const deadline = Date.now() + SQLITE_MIGRATION_LOCK_WAIT_MS;
  for (;;) {
    try {
      await sql`begin immediate`.execute(connection);
      return;
    } catch (error) {
      const busy = (driverError(error) as { code?: unknown }).code === 'SQLITE_BUSY';
      if (!busy || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Every migration's name, in order: what a fully migrated database has applied. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations).sort();

const provider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  },
};

/** Brings the schema to the latest version; throws with the failing migration's name if one fails. */
// Migrations run against whatever schema the database has, so they take Kysely<any>, as Kysely's docs advise.
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet['results']> {
  const isSqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const { error, results } = await (isSqlite ? migrateSqlite(db) : new Migrator({ db, provider }).migrateToLatest());
  if (error !== undefined) {
    // No failed migration: the migrator could not even start (read its table, take its lock).
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    const cause = driverError(error);
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new Error(failed === undefined ? `migrations could not run: ${reason}` : `migration ${failed} failed: ${reason}`, {
      cause: error,
    });
  }
  return results;
}

/**
 * On PostgreSQL and MySQL, Kysely's migrator takes a database lock, so instances starting together migrate once.
 * On SQLite it takes none and runs without a transaction (its adapter assumes a single process), so a second
 * process would re-run migrations and fail on "table already exists". BEGIN IMMEDIATE takes the file's write lock
 * first: another process waits (busy_timeout) and then finds everything applied, and a failed migration rolls
 * back whole instead of leaving half a schema.
 */
async function migrateSqlite(db: Kysely<any>): Promise<MigrationResultSet> {
  return db.connection().execute(async (connection) => {
    await beginImmediate(connection);
    const outcome = await new Migrator({ db: connection, provider }).migrateToLatest();
    await sql.raw(outcome.error === undefined ? 'commit' : 'rollback').execute(connection);
    return outcome;
  });
}

/**
 * Refuses a database whose schema is behind this version's, for the commands that only read: they never migrate
 * (nor create a signing key), so they stop here with what to run instead of failing on a missing table.
 */
export async function assertMigrated(db: Kysely<any>, url: string): Promise<void> {
  const pending = (await new Migrator({ db, provider }).getMigrations()).filter((migration) => migration.executedAt === undefined);
  if (pending.length === MIGRATION_NAMES.length) throw new ConfigError(notMigrated(url, 'has no weapp-auth tables'));
  if (pending.length > 0) throw new ConfigError(notMigrated(url, `lacks ${pending.length} of ${MIGRATION_NAMES.length} migrations`));
}

/** What a command that only reads says of a database it cannot read yet. */
export function notMigrated(url: string, state: string): string {
  return `the database at DATABASE_URL=${redactUrl(url)} ${state}: run weapp-auth migrate (this command only reads)`;
}
