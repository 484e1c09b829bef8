import type { Kysely, Selectable } from 'kysely';
import type { AccountsTable, Database } from '../sql/schema.js';

export type AccountRow = Selectable<AccountsTable>;

/** An account's key: the subject is unique within its (provider, app). */
export interface AccountKey {
  provider: string;
  app: string;
  subject: string;
}

export async function findAccount(db: Kysely<Database>, key: AccountKey): Promise<AccountRow | undefined> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('provider', '=', key.provider)
    .where('app', '=', key.app)
    .where('subject', '=', key.subject)
    .executeTakeFirst();
}

export async function insertAccount(db: Kysely<Database>, row: AccountRow): Promise<void> {
  await db.insertInto('accounts').values(row).execute();
}

/** Stores the secret of the latest login (each WeChat login may rotate it) and a union key learned late. */
export async function updateAccountOnLogin(
  db: Kysely<Database>,
  key: AccountKey,
  changes: { secretSealed: string | null; union: { family: string; key: string } | null; now: number },
): Promise<void> {
  if (changes.secretSealed === null && changes.union === null) return;
  await db
    .updateTable('accounts')
    .set({
      ...(changes.secretSealed === null ? {} : { secret_sealed: changes.secretSealed, secret_updated_at: changes.now }),
      ...(changes.union === null ? {} : { union_family: changes.union.family, union_key: changes.union.key }),
    })
    .where('provider', '=', key.provider)
    .where('app', '=', key.app)
    .where('subject', '=', key.subject)
    .execute();
}

/** A user's accounts, oldest first. */
export async function listAccountsOfUser(db: Kysely<Database>, userId: string): Promise<AccountRow[]> {
  return db.selectFrom('accounts').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
}

/** Accounts with this subject (in any provider and app) or this union key (in any family). */
export async function findAccountsBy(db: Kysely<Database>, id: { subject?: string; unionKey?: string }): Promise<AccountRow[]> {
  let select = db.selectFrom('accounts').selectAll();
  if (id.subject !== undefined) select = select.where('subject', '=', id.subject);
  if (id.unionKey !== undefined) select = select.where('union_key', '=', id.unionKey);
  return select.execute();
}
