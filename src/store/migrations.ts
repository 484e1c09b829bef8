import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';

/**
 * Migrations live in code, not in files found at run time, so they ship inside the build and run the same from
 * `npm start`, the CLI and tests. Column types are chosen to mean the same on SQLite, PostgreSQL and MySQL:
 * bounded varchar for anything indexed (MySQL cannot index unbounded text), bigint for epoch-millisecond times.
 */
const migrations: Record<string, Migration> = {
  '2026-11-24-001-initial': {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('unionid', 'varchar(64)', (c) => c.unique())
        .addColumn('nickname', 'varchar(128)')
        .addColumn('avatar_url', 'varchar(1024)')
        .addColumn('phone_number', 'varchar(32)')
        .addColumn('phone_country_code', 'varchar(8)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('wechat_accounts')
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

      await db.schema
        .createTable('sessions')
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

      await db.schema
        .createTable('refresh_tokens')
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

      await db.schema
        .createTable('signing_keys')
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
};

const provider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  },
};

/** Brings the schema to the latest version; throws with the failing migration's name if one fails. */
// Migrations run against whatever schema the database has, so they take Kysely<any>, as Kysely's docs advise.
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet['results']> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed`, { cause: error });
  }
  return results;
}
