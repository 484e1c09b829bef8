import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../../src/store/sql/transaction-conflict.js';
import { findAccount, findAccountsBy, insertAccount, listAccountsOfUser, updateAccountOnLogin } from '../../src/store/tables/accounts.js';
import { type AuditEventRow, insertAuditEvent, listAuditEvents } from '../../src/store/tables/audit-events.js';
import { findRefreshToken, hasUsedChild, insertRefreshToken, markRefreshTokenUsed } from '../../src/store/tables/refresh-tokens.js';
import { findSession, insertSession, listSessionsOfUser, revokeSession, touchSession } from '../../src/store/tables/sessions.js';
import {
  insertSigningKey,
  listSigningKeyStates,
  listSigningKeys,
  retireSigningKeysExcept,
  WITHDRAWN_AT,
  withdrawSigningKeysExcept,
} from '../../src/store/tables/signing-keys.js';
import {
  findUnionIdentitiesByKey,
  findUnionIdentity,
  insertUnionIdentity,
  listUnionIdentitiesOfUser,
} from '../../src/store/tables/union-identities.js';
import { findUserById, findUsersByPhone, insertUser, updateUser } from '../../src/store/tables/users.js';
import { rejectionOf } from '../support/rejection.js';
import type { StoreContext } from './conformance.js';
import { accountRow, openid, refreshTokenRow, sessionRow, signingKeyRow, T0, uniqueTime, userRow } from './rows.js';

/** Nicknames as people write them: emoji (4-byte UTF-8, joiners, skin tones), CJK, mathematical letters. */
const NICKNAMES = ['小熊🐼', '👩🏽‍💻 dev', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 Ω', '😀'.repeat(128)];

/** Every function of every table module, on rows with nulls and with every column set. */
export function defineTableTests(ctx: StoreContext): void {
  describe('users', () => {
    it('round-trips every column: nulls as null, BIGINT times as numbers', async () => {
      const bare = userRow();
      const full = userRow({
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

    it('refuses a second user with the same id as a unique violation', async () => {
      await insertUser(ctx.db, userRow());
      await insertUser(ctx.db, userRow());
      const user = userRow();
      await insertUser(ctx.db, user);
      expect(isUniqueViolation(await rejectionOf(insertUser(ctx.db, user)))).toBe(true);
    });
  });

  describe('union_identities', () => {
    it('finds a union key within its family only, comparing it exactly (case matters)', async () => {
      const key = `oUaBcD${openid()}`;
      const user = userRow();
      const otherCase = userRow();
      const otherFamily = userRow();
      for (const row of [user, otherCase, otherFamily]) await insertUser(ctx.db, row);
      const identity = { family: 'wechat', union_key: key, user_id: user.id, created_at: T0 };
      await insertUnionIdentity(ctx.db, identity);
      await insertUnionIdentity(ctx.db, { family: 'wechat', union_key: key.toLowerCase(), user_id: otherCase.id, created_at: T0 });
      await insertUnionIdentity(ctx.db, { family: 'douyin', union_key: key, user_id: otherFamily.id, created_at: T0 + 1 });
      expect(await findUnionIdentity(ctx.db, 'wechat', key)).toStrictEqual(identity);
      expect((await findUnionIdentity(ctx.db, 'wechat', key.toLowerCase()))?.user_id).toBe(otherCase.id);
      expect((await findUnionIdentity(ctx.db, 'douyin', key))?.user_id).toBe(otherFamily.id);
      expect(await findUnionIdentity(ctx.db, 'wechat', `${key}x`)).toBeUndefined();
      expect(await findUnionIdentity(ctx.db, 'qq', key)).toBeUndefined();
    });

    it('refuses a second owner of one (family, key) as a unique violation; another family is another key', async () => {
      const key = `oU${openid()}`;
      const [first, second] = [userRow(), userRow()];
      await insertUser(ctx.db, first);
      await insertUser(ctx.db, second);
      await insertUnionIdentity(ctx.db, { family: 'wechat', union_key: key, user_id: first.id, created_at: T0 });
      const taken = insertUnionIdentity(ctx.db, { family: 'wechat', union_key: key, user_id: second.id, created_at: T0 });
      expect(isUniqueViolation(await rejectionOf(taken))).toBe(true);
      await insertUnionIdentity(ctx.db, { family: 'alipay', union_key: key, user_id: second.id, created_at: T0 });
    });
  });

  describe('accounts', () => {
    it('round-trips an account and finds it only by its own (provider, app, subject)', async () => {
      const user = userRow();
      await insertUser(ctx.db, user);
      const account = accountRow(user.id);
      const bare = accountRow(user.id, { provider: 'fake', app: 'fake-app', secret_sealed: null, secret_updated_at: null });
      await insertAccount(ctx.db, account);
      await insertAccount(ctx.db, bare);
      expect(await findAccount(ctx.db, account)).toStrictEqual(account);
      expect(await findAccount(ctx.db, bare)).toStrictEqual(bare);
      expect(await findAccount(ctx.db, { ...account, app: 'wx00000000000000b2' })).toBeUndefined();
      expect(await findAccount(ctx.db, { ...account, provider: 'douyin' })).toBeUndefined();
      // Mixed-case openids differing only in case are two people: a `_ci` collation would merge them.
      expect(await findAccount(ctx.db, { ...account, subject: account.subject.toLowerCase() })).toBeUndefined();
    });

    it('stores the latest secret on login, and a union key only when one is given', async () => {
      const user = userRow();
      await insertUser(ctx.db, user);
      const account = accountRow(user.id, { union_family: 'wechat', union_key: 'oUfirst' });
      const neighbour = accountRow(user.id, { app: 'wx00000000000000b2' });
      await insertAccount(ctx.db, account);
      await insertAccount(ctx.db, neighbour);
      await updateAccountOnLogin(ctx.db, account, { secretSealed: 'v1.new', union: null, now: T0 + 9 });
      expect(await findAccount(ctx.db, account)).toStrictEqual({ ...account, secret_sealed: 'v1.new', secret_updated_at: T0 + 9 });
      await updateAccountOnLogin(ctx.db, account, { secretSealed: 'v1.newer', union: { family: 'wechat', key: 'oUlater' }, now: T0 + 10 });
      expect(await findAccount(ctx.db, account)).toMatchObject({ union_family: 'wechat', union_key: 'oUlater', secret_sealed: 'v1.newer' });
      // A login without a secret keeps the one stored.
      await updateAccountOnLogin(ctx.db, account, { secretSealed: null, union: null, now: T0 + 11 });
      expect(await findAccount(ctx.db, account)).toMatchObject({ secret_sealed: 'v1.newer', secret_updated_at: T0 + 10 });
      expect(await findAccount(ctx.db, neighbour)).toStrictEqual(neighbour);
    });

    it('refuses a second account for one (provider, app, subject) as a unique violation; another app, provider or case is another account', async () => {
      const user = userRow();
      await insertUser(ctx.db, user);
      const account = accountRow(user.id);
      await insertAccount(ctx.db, account);
      expect(isUniqueViolation(await rejectionOf(insertAccount(ctx.db, accountRow(user.id, { subject: account.subject }))))).toBe(true);
      await insertAccount(ctx.db, accountRow(user.id, { subject: account.subject, app: 'wx00000000000000b2' }));
      await insertAccount(ctx.db, accountRow(user.id, { subject: account.subject, provider: 'qq' }));
      await insertAccount(ctx.db, accountRow(user.id, { subject: account.subject.toUpperCase() }));
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
      const full = sessionRow(user.id, {
        user_agent: 'Mozilla/5.0 MicroMessenger/8.0.50 🤖',
        ip: '2001:db8::1',
        revoked_at: T0 + 1,
        revoke_reason: 'admin',
      });
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
        provider: 'wechat',
        app: 'wx00000000000000a1',
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
    it('finds users by phone (full or bare number), accounts by subject or union key, and a user’s sessions', async () => {
      const phone = `+852${Math.floor(Math.random() * 1e8)}`;
      const user = userRow({ phone_number: phone, phone_pure_number: phone.slice(4) });
      await insertUser(ctx.db, user);
      const unionKey = `oU${openid()}`;
      const union = { family: 'wechat', union_key: unionKey, user_id: user.id, created_at: T0 };
      await insertUnionIdentity(ctx.db, union);
      const account = accountRow(user.id, { union_family: 'wechat', union_key: unionKey });
      await insertAccount(ctx.db, account);
      const older = sessionRow(user.id, { created_at: T0 });
      const newer = sessionRow(user.id, { created_at: T0 + 5 });
      await insertSession(ctx.db, older);
      await insertSession(ctx.db, newer);

      expect((await findUsersByPhone(ctx.db, phone)).map((row) => row.id)).toStrictEqual([user.id]);
      expect((await findUsersByPhone(ctx.db, phone.slice(4))).map((row) => row.id)).toStrictEqual([user.id]);
      expect(await findAccountsBy(ctx.db, { subject: account.subject })).toStrictEqual([account]);
      expect(await findAccountsBy(ctx.db, { unionKey })).toStrictEqual([account]);
      expect(await findUnionIdentitiesByKey(ctx.db, unionKey)).toStrictEqual([union]);
      expect(await listUnionIdentitiesOfUser(ctx.db, user.id)).toStrictEqual([union]);
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
