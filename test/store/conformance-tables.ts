import { describe, expect, it } from 'vitest';
import { findRefreshToken, hasUsedChild, insertRefreshToken, markRefreshTokenUsed } from '../../src/store/refresh-tokens.js';
import { v7 as uuidv7 } from 'uuid';
import { insertAuditEvent, listAuditEvents, type AuditEventRow } from '../../src/store/audit-events.js';
import { findSession, insertSession, listSessionsOfUser, revokeSession, touchSession } from '../../src/store/sessions.js';
import {
  insertSigningKey,
  listSigningKeys,
  listSigningKeyStates,
  retireSigningKeysExcept,
  withdrawSigningKeysExcept,
  WITHDRAWN_AT,
} from '../../src/store/signing-keys.js';
import { isUniqueViolation } from '../../src/store/transaction-conflict.js';
import { findUserById, findUserByUnionid, findUsersByPhone, insertUser, updateUser } from '../../src/store/users.js';
import { findAccount, findAccountsByWechatId, insertAccount, listAccountsOfUser, updateAccountOnLogin } from '../../src/store/wechat-accounts.js';
import type { StoreContext } from './conformance.js';
import { accountRow, openid, refreshTokenRow, sessionRow, signingKeyRow, T0, uniqueTime, userRow } from './rows.js';

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the database to refuse'),
    (error: unknown) => error,
  );
}

/** Nicknames as people write them: emoji (4-byte UTF-8, joiners, skin tones), CJK, mathematical letters. */
const NICKNAMES = ['小熊🐼', '👩🏽‍💻 dev', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 Ω', '😀'.repeat(128)];

/** Every function of every table module, on rows with nulls and with every column set. */
export function defineTableTests(ctx: StoreContext): void {
  describe('users', () => {
    it('round-trips every column: nulls as null, BIGINT times as numbers', async () => {
      const bare = userRow();
      const full = userRow({
        unionid: `oU${openid()}`,
        nickname: 'Ada',
        avatar_url: `https://thirdwx.qlogo.cn/mmopen/${'x'.repeat(900)}/132`,
        phone_number: '+85261234567',
        phone_pure_number: '61234567',
        phone_country_code: '852',
        created_at: T0,
        // The latest time a JS Date can hold: far beyond 32 bits, still an exact double.
        updated_at: 8_640_000_000_000_000,
      });
      await insertUser(ctx.db, bare);
      await insertUser(ctx.db, full);
      expect(await findUserById(ctx.db, bare.id)).toStrictEqual(bare);
      expect(await findUserById(ctx.db, full.id)).toStrictEqual(full);
      expect(typeof (await findUserById(ctx.db, full.id))?.updated_at).toBe('number');
      expect(await findUserById(ctx.db, userRow().id)).toBeUndefined();
    });

    it('keeps emoji and other 4-byte characters in nicknames intact', async () => {
      for (const nickname of NICKNAMES) {
        const user = userRow({ nickname });
        await insertUser(ctx.db, user);
        expect((await findUserById(ctx.db, user.id))?.nickname).toBe(nickname);
      }
    });

    it('finds a user by unionid, comparing it exactly (case matters)', async () => {
      const unionid = `oUaBcD${openid()}`;
      const user = userRow({ unionid });
      const otherCase = userRow({ unionid: unionid.toLowerCase() });
      await insertUser(ctx.db, user);
      await insertUser(ctx.db, otherCase);
      expect((await findUserByUnionid(ctx.db, unionid))?.id).toBe(user.id);
      expect((await findUserByUnionid(ctx.db, unionid.toLowerCase()))?.id).toBe(otherCase.id);
      expect(await findUserByUnionid(ctx.db, `${unionid}x`)).toBeUndefined();
    });

    it('updates only the given columns, bumps updated_at, and says whether the user exists', async () => {
      const user = userRow({ nickname: 'before', avatar_url: 'https://a.example/1.png' });
      await insertUser(ctx.db, user);
      expect(await updateUser(ctx.db, user.id, { nickname: 'after' }, T0 + 5)).toBe(true);
      expect(await findUserById(ctx.db, user.id)).toStrictEqual({ ...user, nickname: 'after', updated_at: T0 + 5 });
      expect(await updateUser(ctx.db, user.id, { nickname: null }, T0 + 6)).toBe(true);
      expect((await findUserById(ctx.db, user.id))?.nickname).toBeNull();
      // Same values at the same time change nothing, yet the user exists: MySQL must count matched rows.
      expect(await updateUser(ctx.db, user.id, { nickname: null }, T0 + 6)).toBe(true);
      expect(await updateUser(ctx.db, userRow().id, { nickname: 'nobody' }, T0)).toBe(false);
    });

    it('refuses a second user with the same unionid as a unique violation, but allows many without one', async () => {
      const unionid = `oU${openid()}`;
      await insertUser(ctx.db, userRow({ unionid }));
      expect(isUniqueViolation(await rejectionOf(insertUser(ctx.db, userRow({ unionid }))))).toBe(true);
      await insertUser(ctx.db, userRow());
      await insertUser(ctx.db, userRow());
      const user = userRow();
      await insertUser(ctx.db, user);
      expect(isUniqueViolation(await rejectionOf(insertUser(ctx.db, user)))).toBe(true);
    });
  });

  describe('wechat_accounts', () => {
    it('round-trips an account and finds it only by its own (appid, openid)', async () => {
      const user = userRow();
      await insertUser(ctx.db, user);
      const account = accountRow(user.id);
      await insertAccount(ctx.db, account);
      expect(await findAccount(ctx.db, account.appid, account.openid)).toStrictEqual(account);
      expect(await findAccount(ctx.db, 'wx00000000000000b2', account.openid)).toBeUndefined();
      // Mixed-case openids differing only in case are two people: a `_ci` collation would merge them.
      expect(await findAccount(ctx.db, account.appid, account.openid.toLowerCase())).toBeUndefined();
    });

    it('stores the latest session_key on login, and a unionid only when one is given', async () => {
      const user = userRow();
      await insertUser(ctx.db, user);
      const account = accountRow(user.id, { unionid: 'oUfirst' });
      const neighbour = accountRow(user.id, { appid: 'wx00000000000000b2' });
      await insertAccount(ctx.db, account);
      await insertAccount(ctx.db, neighbour);
      const key = { appid: account.appid, openid: account.openid };
      await updateAccountOnLogin(ctx.db, key, { sessionKeySealed: 'v1.new', unionid: null, now: T0 + 9 });
      expect(await findAccount(ctx.db, key.appid, key.openid)).toStrictEqual({
        ...account,
        session_key_sealed: 'v1.new',
        session_key_updated_at: T0 + 9,
      });
      await updateAccountOnLogin(ctx.db, key, { sessionKeySealed: 'v1.newer', unionid: 'oUlater', now: T0 + 10 });
      expect((await findAccount(ctx.db, key.appid, key.openid))?.unionid).toBe('oUlater');
      expect(await findAccount(ctx.db, neighbour.appid, neighbour.openid)).toStrictEqual(neighbour);
    });

    it('refuses a second account for one (appid, openid) as a unique violation; another app or case is another account', async () => {
      const user = userRow();
      await insertUser(ctx.db, user);
      const account = accountRow(user.id);
      await insertAccount(ctx.db, account);
      expect(isUniqueViolation(await rejectionOf(insertAccount(ctx.db, accountRow(user.id, { openid: account.openid }))))).toBe(true);
      await insertAccount(ctx.db, accountRow(user.id, { openid: account.openid, appid: 'wx00000000000000b2' }));
      await insertAccount(ctx.db, accountRow(user.id, { openid: account.openid.toUpperCase() }));
    });

    it('refuses an account for a user that does not exist, and that is not a unique violation', async () => {
      const error = await rejectionOf(insertAccount(ctx.db, accountRow(userRow().id)));
      expect(isUniqueViolation(error)).toBe(false);
    });
  });

  describe('sessions', () => {
    it('round-trips a session with its nullable columns empty and filled', async () => {
      const user = userRow();
      await insertUser(ctx.db, user);
      const bare = sessionRow(user.id);
      const full = sessionRow(user.id, { user_agent: 'Mozilla/5.0 MicroMessenger/8.0.50 🤖', ip: '2001:db8::1', revoked_at: T0 + 1, revoke_reason: 'admin' });
      await insertSession(ctx.db, bare);
      await insertSession(ctx.db, full);
      expect(await findSession(ctx.db, bare.id)).toStrictEqual(bare);
      expect(await findSession(ctx.db, full.id)).toStrictEqual(full);
      expect(await findSession(ctx.db, sessionRow(user.id).id)).toBeUndefined();
    });

    it('slides a live session on touch but leaves a revoked one as it was', async () => {
      const user = userRow();
      await insertUser(ctx.db, user);
      const live = sessionRow(user.id);
      const revoked = sessionRow(user.id, { revoked_at: T0 + 1, revoke_reason: 'logout' });
      await insertSession(ctx.db, live);
      await insertSession(ctx.db, revoked);
      await touchSession(ctx.db, live.id, T0 + 100, T0 + 200);
      await touchSession(ctx.db, revoked.id, T0 + 100, T0 + 200);
      expect(await findSession(ctx.db, live.id)).toStrictEqual({ ...live, last_used_at: T0 + 100, expires_at: T0 + 200 });
      expect(await findSession(ctx.db, revoked.id)).toStrictEqual(revoked);
    });

    it('revokes once: the first reason and time stay, later revocations report false', async () => {
      const user = userRow();
      await insertUser(ctx.db, user);
      const session = sessionRow(user.id);
      await insertSession(ctx.db, session);
      expect(await revokeSession(ctx.db, session.id, 'logout', T0 + 1)).toBe(true);
      expect(await revokeSession(ctx.db, session.id, 'admin', T0 + 2)).toBe(false);
      expect(await findSession(ctx.db, session.id)).toStrictEqual({ ...session, revoked_at: T0 + 1, revoke_reason: 'logout' });
      expect(await revokeSession(ctx.db, sessionRow(user.id).id, 'admin', T0)).toBe(false);
    });
  });

  describe('refresh_tokens', () => {
    it('round-trips a token, and marks it used exactly once', async () => {
      const session = await liveSession(ctx);
      const token = refreshTokenRow(session);
      const child = refreshTokenRow(session, { parent_id: token.id });
      await insertRefreshToken(ctx.db, token);
      await insertRefreshToken(ctx.db, child);
      expect(await findRefreshToken(ctx.db, token.id)).toStrictEqual(token);
      expect(await findRefreshToken(ctx.db, child.id)).toStrictEqual(child);
      expect(await markRefreshTokenUsed(ctx.db, token.id, T0 + 7)).toBe(true);
      expect(await markRefreshTokenUsed(ctx.db, token.id, T0 + 8)).toBe(false);
      expect((await findRefreshToken(ctx.db, token.id))?.used_at).toBe(T0 + 7);
      expect(await markRefreshTokenUsed(ctx.db, refreshTokenRow(session).id, T0)).toBe(false);
      expect(await findRefreshToken(ctx.db, token.id.toUpperCase())).toBeUndefined();
    });

    it('sees the chain move on only once a child token has been used', async () => {
      const session = await liveSession(ctx);
      const parent = refreshTokenRow(session);
      const child = refreshTokenRow(session, { parent_id: parent.id });
      await insertRefreshToken(ctx.db, parent);
      expect(await hasUsedChild(ctx.db, parent.id)).toBe(false);
      await insertRefreshToken(ctx.db, child);
      expect(await hasUsedChild(ctx.db, parent.id)).toBe(false);
      await markRefreshTokenUsed(ctx.db, child.id, T0 + 1);
      expect(await hasUsedChild(ctx.db, parent.id)).toBe(true);
      expect(await hasUsedChild(ctx.db, child.id)).toBe(false);
    });
  });

  describe('signing_keys', () => {
    it('lists keys newest first (ties by kid, descending) with their long JWKs intact, retires and withdraws all but one', async () => {
      const older = signingKeyRow({ kid: 'kid-a', created_at: T0 });
      const tieLow = signingKeyRow({ kid: 'kid-b', created_at: T0 + 1 });
      const tieHigh = signingKeyRow({ kid: 'kid-c', created_at: T0 + 1 });
      const retiredEarlier = signingKeyRow({ kid: 'kid-0', created_at: T0 - 1, retired_at: T0 - 1 });
      for (const row of [older, tieLow, retiredEarlier, tieHigh]) await insertSigningKey(ctx.db, row);
      expect(await listSigningKeys(ctx.db)).toStrictEqual([tieHigh, tieLow, older, retiredEarlier]);

      await retireSigningKeysExcept(ctx.db, 'kid-c', T0 + 50);
      expect(await listSigningKeys(ctx.db)).toStrictEqual([
        tieHigh,
        { ...tieLow, retired_at: T0 + 50 },
        { ...older, retired_at: T0 + 50 },
        retiredEarlier,
      ]);
      expect(isUniqueViolation(await rejectionOf(insertSigningKey(ctx.db, signingKeyRow({ kid: 'kid-a' }))))).toBe(true);

      // keys rotate --now: every key still verifying is withdrawn, one retired before the cut-off keeps its date.
      await withdrawSigningKeysExcept(ctx.db, 'kid-b', T0);
      expect(await listSigningKeyStates(ctx.db)).toStrictEqual([
        { kid: 'kid-c', retired_at: WITHDRAWN_AT },
        { kid: 'kid-b', retired_at: T0 + 50 },
        { kid: 'kid-a', retired_at: WITHDRAWN_AT },
        { kid: 'kid-0', retired_at: T0 - 1 },
      ]);
    });
  });

  describe('audit_events', () => {
    it('round-trips events and lists them newest first, filtered by user, type and time', async () => {
      const user = userRow().id;
      const at = uniqueTime();
      const event = (type: string, offset: number, userId: string | null = user): AuditEventRow => ({
        id: uuidv7(),
        at: at + offset,
        type,
        user_id: userId,
        session_id: null,
        appid: 'wx00000000000000a1',
        request_id: 'req-1',
        ip: '203.0.113.9',
        user_agent: 'Mozilla/5.0 小程序 🐼',
        details: JSON.stringify({ reason: 'logout' }),
      });
      const rows = [event('login', 0), event('refresh', 1), event('logout', 2), event('login', 3, null)];
      for (const row of rows) await insertAuditEvent(ctx.db, row);
      expect(await listAuditEvents(ctx.db, { userId: user, limit: 10 })).toStrictEqual([rows[2], rows[1], rows[0]]);
      expect(await listAuditEvents(ctx.db, { userId: user, type: 'login', limit: 10 })).toStrictEqual([rows[0]]);
      expect(await listAuditEvents(ctx.db, { userId: user, since: at + 1, limit: 1 })).toStrictEqual([rows[2]]);
    });
  });

  describe('admin look-ups', () => {
    it('finds users by phone (full or bare number), accounts by openid or unionid, and a user’s sessions', async () => {
      const phone = `+852${Math.floor(Math.random() * 1e8)}`;
      const user = userRow({ phone_number: phone, phone_pure_number: phone.slice(4), unionid: `oU${openid()}` });
      await insertUser(ctx.db, user);
      const account = accountRow(user.id, { unionid: user.unionid });
      await insertAccount(ctx.db, account);
      const older = sessionRow(user.id, { created_at: T0 });
      const newer = sessionRow(user.id, { created_at: T0 + 5 });
      await insertSession(ctx.db, older);
      await insertSession(ctx.db, newer);

      expect((await findUsersByPhone(ctx.db, phone)).map((row) => row.id)).toStrictEqual([user.id]);
      expect((await findUsersByPhone(ctx.db, phone.slice(4))).map((row) => row.id)).toStrictEqual([user.id]);
      expect(await findAccountsByWechatId(ctx.db, { openid: account.openid })).toStrictEqual([account]);
      expect(await findAccountsByWechatId(ctx.db, { unionid: user.unionid ?? '' })).toStrictEqual([account]);
      expect(await listAccountsOfUser(ctx.db, user.id)).toStrictEqual([account]);
      expect((await listSessionsOfUser(ctx.db, user.id)).map((row) => row.id)).toStrictEqual([newer.id, older.id]);
    });
  });
}

/** A session id for refresh tokens to belong to. */
async function liveSession(ctx: StoreContext): Promise<string> {
  const user = userRow();
  await insertUser(ctx.db, user);
  const session = sessionRow(user.id);
  await insertSession(ctx.db, session);
  return session.id;
}
