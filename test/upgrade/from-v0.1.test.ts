import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATION_NAMES } from '../../src/store/sql/migrations.js';
import type { FixtureAccount, FixtureSession, FixtureUser } from '../fixtures/v0.1/manifest.js';
import { MIGRATION_NAMES as RELEASE_MIGRATIONS } from '../fixtures/v0.1/migrations.js';
import { basicAuth, call, type Harness, mintCode, startHarness } from '../support/harness.js';
import { loadV01Database, readV01Manifest } from '../support/legacy-database.js';
import { countRowsSync } from '../support/sync-count.js';
import { TEST_ENGINES, type TestDatabase } from '../support/test-databases.js';

/**
 * A database made by weapp-auth 0.1.0 (test/fixtures/v0.1, written through that release's HTTP API) upgraded by
 * today's server on each engine: every user, account, unionid link, sealed session_key, session and refresh
 * token comes through, signed-in users stay signed in, and logging in again finds the same user. Checks go
 * through the HTTP API, so they hold whatever the schema becomes; only the row counts read tables.
 */
const fixture = readV01Manifest();

/**
 * Rows that must come through one for one: the table they were in at 0.1 (`before`, the fixture's count) and the
 * table that holds them now. WeChat accounts moved into the linked-accounts table (provider 'wechat').
 */
const KEPT = [
  { what: 'users', before: 'users', now: 'users' },
  { what: 'WeChat accounts', before: 'wechat_accounts', now: 'accounts' },
  { what: 'sessions', before: 'sessions', now: 'sessions' },
  { what: 'refresh tokens', before: 'refresh_tokens', now: 'refresh_tokens' },
] as const;

const liveSessions = fixture.sessions.filter((session) => session.state !== 'revoked');
const revokedSession = only(fixture.sessions.filter((session) => session.state === 'revoked'));
const refreshedSession = only(fixture.sessions.filter((session) => session.state === 'refreshed'));

function only<T>(items: T[]): T {
  if (items.length !== 1) throw new Error(`the fixture should have exactly one of these, it has ${items.length}`);
  return items[0] as T;
}

function userOf(session: FixtureSession): FixtureUser {
  return only(fixture.users.filter((user) => user.id === session.userId));
}

function accountOf(session: FixtureSession): FixtureAccount {
  return only(userOf(session).accounts.filter((account) => account.appid === session.appid && account.openid === session.openid));
}

/** The account as a simulated WeChat user: its openid, and its user's unionid when there is one. */
function wechatUser(user: FixtureUser, account: FixtureAccount): { appid: string; openid: string; unionid?: string } {
  return { appid: account.appid, openid: account.openid, ...(user.unionid === null ? {} : { unionid: user.unionid }) };
}

it('today’s code still knows every migration the release applied, in order', () => {
  expect(RELEASE_MIGRATIONS[RELEASE_MIGRATIONS.length - 1]).toBe(fixture.lastMigration);
  expect(MIGRATION_NAMES.slice(0, RELEASE_MIGRATIONS.length)).toEqual(RELEASE_MIGRATIONS);
});

describe.each(TEST_ENGINES)('a v0.1 database on %s, upgraded by today’s server', (engine) => {
  let database: TestDatabase;
  let h: Harness;

  beforeAll(async () => {
    database = await loadV01Database(engine);
    try {
      // Today's server, migrating on start, with the release's data-encryption key and apps. The reuse grace
      // window reaches back past the fixture's refresh, so only the spent token's link to its used child (not its
      // age) can make presenting it again a reuse: the test then proves that link came through.
      h = await startHarness({ DATABASE_URL: database.url, DATA_ENCRYPTION_KEY: fixture.dataEncryptionKey, REFRESH_REUSE_GRACE: '300' });
    } catch (error) {
      await database.drop();
      throw error;
    }
    // Back to a few seconds after the fixture was made: its access tokens are unexpired again.
    h.advance((fixture.fixtureTime + 5_000 - Date.now()) / 1000);
  });
  afterAll(async () => {
    await h?.close();
    await database?.drop();
  });

  const count = (table: string): number => countRowsSync(h.config.databaseUrl, table);

  it('keeps every user, account, session and refresh token, and the audit trail', () => {
    for (const { what, before, now } of KEPT) expect({ what, count: count(now) }).toEqual({ what, count: fixture.counts[before] });
    // users.unionid became one union identity per unionid user (family 'wechat').
    expect(count('union_identities')).toBe(fixture.users.filter((user) => user.unionid !== null).length);
    expect(count('audit_events')).toBeGreaterThanOrEqual(fixture.counts.audit_events ?? Infinity);
  });

  it('keeps the signing keys: JWKS publishes exactly the release’s keys, and its tokens verify against it', async () => {
    const jwks = (await call(h.server.url, 'GET', '/.well-known/jwks.json')).body as JSONWebKeySet;
    expect(jwks.keys.map((key) => key.kid).sort()).toEqual(fixture.signingKeys.map((key) => key.kid).sort());
    // The live tokens were signed by both keys (the retiring one and the new one).
    expect(new Set(liveSessions.map((session) => session.kid)).size).toBe(2);
    for (const session of liveSessions) {
      // As a backend verifying offline would, at a moment the token is unexpired.
      const { payload } = await jwtVerify(session.accessToken, createLocalJWKSet(jwks), {
        issuer: 'weapp-auth',
        audience: session.appid,
        currentDate: new Date(fixture.fixtureTime + 5_000),
      });
      expect(payload).toMatchObject({ sub: session.userId, sid: session.sessionId });
      const introspected = await call(h.server.url, 'POST', '/api/auth/introspect', {
        json: { token: session.accessToken },
        headers: basicAuth(),
      });
      expect({ session: session.name, body: introspected.body }).toMatchObject({
        session: session.name,
        body: { active: true, sub: session.userId, sid: session.sessionId, aud: session.appid },
      });
    }
  });

  it('keeps users signed in: each live session’s access token gets its own user, profile and phone intact', async () => {
    for (const session of liveSessions) {
      const me = await call(h.server.url, 'GET', '/api/me', { token: session.accessToken });
      expect({ session: session.name, status: me.status, body: me.body }).toMatchObject({
        session: session.name,
        status: 200,
        body: userOf(session).me,
      });
      // Everyone 0.1 knew logged in through WeChat: nobody becomes a guest.
      expect({ session: session.name, guest: me.body.guest }).toEqual({ session: session.name, guest: false });
    }
    // The profile and both phone numbers are really there, not merely equal to an empty record.
    const profiles = fixture.users.map((user) => user.me);
    expect(profiles).toContainEqual(expect.objectContaining({ nickname: '小明 🐱', avatarUrl: 'https://example.com/avatars/carol.png' }));
    expect(profiles).toContainEqual(
      expect.objectContaining({ phone: { phoneNumber: '13580006666', purePhoneNumber: '13580006666', countryCode: '86' } }),
    );
    expect(profiles).toContainEqual(
      expect.objectContaining({ phone: { phoneNumber: '+1 4155550100', purePhoneNumber: '4155550100', countryCode: '1' } }),
    );

    const loggedOut = await call(h.server.url, 'GET', '/api/me', { token: revokedSession.accessToken });
    expect(loggedOut.status).toBe(401);
    expect(loggedOut.body.error.code).toBe('SESSION_REVOKED');
  });

  it('keeps every sealed session_key: data WeChat encrypted with it decrypts', async () => {
    const covered = new Set<string>();
    for (const session of liveSessions) {
      const account = accountOf(session);
      // This simulator is new: give it the user as WeChat last left them, with the key the release stored.
      await mintCode(h.simulator.url, { ...wechatUser(userOf(session), account), sessionKey: account.sessionKey });
      const steps = { stepInfoList: [{ timestamp: 1_795_400_000, step: 4321 }] };
      const encrypted = await call(h.simulator.url, 'POST', '/control/encrypt', {
        json: { appid: account.appid, openid: account.openid, data: steps },
      });
      const decrypted = await call(h.server.url, 'POST', '/api/wechat/decrypt', { token: session.accessToken, json: encrypted.body });
      expect({ session: session.name, status: decrypted.status, body: decrypted.body }).toMatchObject({
        session: session.name,
        status: 200,
        body: { ...steps, watermark: { appid: account.appid } },
      });
      covered.add(`${account.appid}:${account.openid}`);
    }
    expect(covered.size).toBe(fixture.users.flatMap((user) => user.accounts).length);
  });

  it('keeps refresh tokens: unused ones refresh to the same user, a spent one is caught as reuse, a logged-out one stays refused', async () => {
    const children = new Map<string, string>();
    for (const session of liveSessions) {
      const refreshed = await call(h.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: session.refreshToken } });
      expect({ session: session.name, status: refreshed.status, user: refreshed.body.user?.id }).toEqual({
        session: session.name,
        status: 200,
        user: session.userId,
      });
      expect((await call(h.server.url, 'GET', '/api/me', { token: refreshed.body.accessToken })).body.id).toBe(session.userId);
      children.set(session.name, refreshed.body.refreshToken);
    }

    const reused = await call(h.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: refreshedSession.spentRefreshToken } });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('REFRESH_TOKEN_REUSED');
    // The reuse revoked the session the spent token belongs to: the chain (parent → child → today's) came through.
    const afterReuse = await call(h.server.url, 'POST', '/api/auth/refresh', {
      json: { refreshToken: children.get(refreshedSession.name) },
    });
    expect(afterReuse.body.error.code).toBe('SESSION_REVOKED');

    const loggedOut = await call(h.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: revokedSession.refreshToken } });
    expect(loggedOut.status).toBe(401);
    expect(loggedOut.body.error.code).toBe('SESSION_REVOKED');
  });

  it('logs every account in again to the same user, and a unionid user’s first login to another app too', async () => {
    const usersBefore = count('users');
    for (const user of fixture.users) {
      for (const account of user.accounts) {
        const minted = await mintCode(h.simulator.url, wechatUser(user, account));
        const login = await call(h.server.url, 'POST', '/api/auth/login', { json: { code: minted.code, appid: account.appid } });
        expect({ account: account.openid, status: login.status, user: login.body.user?.id, isNewUser: login.body.isNewUser }).toEqual({
          account: account.openid,
          status: 200,
          user: user.id,
          isNewUser: false,
        });
      }
    }

    // A user linked by unionid but seen in one app only: their first login to the other app joins the same user.
    const linked = fixture.users.find((user) => user.unionid !== null && user.accounts.length === 1);
    if (linked === undefined || linked.unionid === null) throw new Error('the fixture needs a unionid user with one app');
    const otherApp = fixture.apps.find((appid) => appid !== linked.accounts[0]?.appid) ?? '';
    const minted = await mintCode(h.simulator.url, { appid: otherApp, unionid: linked.unionid });
    const login = await call(h.server.url, 'POST', '/api/auth/login', { json: { code: minted.code, appid: otherApp } });
    expect({ status: login.status, user: login.body.user?.id, isNewUser: login.body.isNewUser }).toEqual({
      status: 200,
      user: linked.id,
      isNewUser: false,
    });
    expect(count('users')).toBe(usersBefore);
  });
});
