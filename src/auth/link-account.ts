import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { SealedBox } from '../crypto/sealed-box.js';
import type { Database } from '../store/schema.js';
import { runTransaction } from '../store/run-transaction.js';
import { findUserByUnionid, insertUser, updateUser } from '../store/users.js';
import { findAccount, insertAccount, updateAccountOnLogin } from '../store/wechat-accounts.js';

export interface WechatIdentity {
  appid: string;
  openid: string;
  unionid: string | null;
  sessionKey: string;
}

export interface LinkedAccount {
  userId: string;
  isNewUser: boolean;
}

/** Context bound into the sealed session_key, so a ciphertext only opens for the account it belongs to. */
export function sessionKeyContext(appid: string, openid: string): string {
  return `session-key:${appid}:${openid}`;
}

/**
 * Finds or creates the user behind a WeChat identity and stores its latest session_key. The same person in
 * another app of the same Open Platform account (same unionid) joins the existing user. Races are settled by
 * the unique indexes on (appid, openid) and users.unionid: the loser's transaction rolls back whole and it
 * tries again, now finding the winner's rows. Nothing half-made is ever left behind.
 */
export async function linkWechatAccount(
  db: Kysely<Database>,
  box: SealedBox,
  identity: WechatIdentity,
  now: number,
): Promise<LinkedAccount> {
  const sealed = box.seal(identity.sessionKey, sessionKeyContext(identity.appid, identity.openid));
  return runTransaction(db, 'conflict', (tx) => linkOnce(tx, identity, sealed, now));
}

async function linkOnce(tx: Kysely<Database>, identity: WechatIdentity, sealed: string, now: number): Promise<LinkedAccount> {
  const { appid, openid, unionid } = identity;
  const account = await findAccount(tx, appid, openid);
  if (account !== undefined) {
    await updateAccountOnLogin(tx, { appid, openid }, { sessionKeySealed: sealed, unionid, now });
    if (unionid !== null && account.unionid === null && (await findUserByUnionid(tx, unionid)) === undefined) {
      // The app was bound to an Open Platform account after this user first logged in.
      await updateUser(tx, account.user_id, { unionid }, now);
    }
    return { userId: account.user_id, isNewUser: false };
  }

  const sibling = unionid === null ? undefined : await findUserByUnionid(tx, unionid);
  const userId = sibling?.id ?? uuidv7();
  if (sibling === undefined) {
    await insertUser(tx, {
      id: userId,
      unionid,
      nickname: null,
      avatar_url: null,
      phone_number: null,
      phone_pure_number: null,
      phone_country_code: null,
      created_at: now,
      updated_at: now,
    });
  }
  await insertAccount(tx, {
    appid,
    openid,
    user_id: userId,
    unionid,
    session_key_sealed: sealed,
    session_key_updated_at: now,
    created_at: now,
  });
  return { userId, isNewUser: sibling === undefined };
}
