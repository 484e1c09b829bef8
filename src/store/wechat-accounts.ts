import type { Kysely, Selectable } from 'kysely';
import type { Database, WechatAccountsTable } from './schema.js';

export type WechatAccountRow = Selectable<WechatAccountsTable>;

export async function findAccount(db: Kysely<Database>, appid: string, openid: string): Promise<WechatAccountRow | undefined> {
  return db
    .selectFrom('wechat_accounts')
    .selectAll()
    .where('appid', '=', appid)
    .where('openid', '=', openid)
    .executeTakeFirst();
}

export async function insertAccount(db: Kysely<Database>, row: WechatAccountRow): Promise<void> {
  await db.insertInto('wechat_accounts').values(row).execute();
}

/** Stores the session_key of the latest login (each wx.login may rotate it) and a unionid learned late. */
export async function updateAccountOnLogin(
  db: Kysely<Database>,
  key: { appid: string; openid: string },
  changes: { sessionKeySealed: string; unionid: string | null; now: number },
): Promise<void> {
  await db
    .updateTable('wechat_accounts')
    .set({
      session_key_sealed: changes.sessionKeySealed,
      session_key_updated_at: changes.now,
      ...(changes.unionid === null ? {} : { unionid: changes.unionid }),
    })
    .where('appid', '=', key.appid)
    .where('openid', '=', key.openid)
    .execute();
}

/** A user's WeChat accounts, one per app. */
export async function listAccountsOfUser(db: Kysely<Database>, userId: string): Promise<WechatAccountRow[]> {
  return db.selectFrom('wechat_accounts').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
}

/** Accounts with this openid (in any app) or this unionid. */
export async function findAccountsByWechatId(db: Kysely<Database>, id: { openid?: string; unionid?: string }): Promise<WechatAccountRow[]> {
  let select = db.selectFrom('wechat_accounts').selectAll();
  if (id.openid !== undefined) select = select.where('openid', '=', id.openid);
  if (id.unionid !== undefined) select = select.where('unionid', '=', id.unionid);
  return select.execute();
}
