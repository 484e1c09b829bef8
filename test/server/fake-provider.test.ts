import { describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../src/verify/index.js';
import { FakePlatform, FakeProvider } from '../support/fake-platform.js';
import { APP_A, adminOn, basicAuth, call, harnessesPerTest, type JsonResponse, loginAs, useHarness } from '../support/harness.js';

/**
 * A platform that is not WeChat, written in a test file of its own (test/support/fake-platform.ts), logs users in
 * through the real core on the real database: the seam is the only thing it knows.
 */
const FAKE_APPS = ['fake-app-one', 'fake-app-two'];
const platform = new FakePlatform();

const h = useHarness({}, { providers: [new FakeProvider(platform, FAKE_APPS)] });
const started = harnessesPerTest();

async function fakeLogin(code: string, app?: string): Promise<JsonResponse> {
  return call(h.server.url, 'POST', '/api/auth/login', {
    json: { provider: 'fakeplat', code, ...(app === undefined ? {} : { appid: app }) },
  });
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

/** The server's own rows, counted through the store on whatever engine the harness runs. */
function rows(): { users: number; accounts: number; unions: number; sessions: number } {
  return { users: h.count('users'), accounts: h.count('accounts'), unions: h.count('union_identities'), sessions: h.count('sessions') };
}

describe('a provider of a platform that is not WeChat', () => {
  it('creates a user on a first login, finds them again, and issues tokens naming the provider and app', async () => {
    const first = platform.mint(FAKE_APPS[1] ?? '');
    const login = await fakeLogin(first.code, FAKE_APPS[1]);
    expect(login.status).toBe(200);
    expect(login.body.isNewUser).toBe(true);
    expect(claimsOf(login.body.accessToken)).toMatchObject({ idp: 'fakeplat', aud: FAKE_APPS[1], sub: login.body.user.id });

    const again = await fakeLogin(platform.mint(FAKE_APPS[1] ?? '', { subject: first.subject }).code, FAKE_APPS[1]);
    expect({ status: again.status, isNewUser: again.body.isNewUser, user: again.body.user.id }).toEqual({
      status: 200,
      isNewUser: false,
      user: login.body.user.id,
    });

    // The tokens work everywhere a WeChat user's do: the guard, refresh, introspection.
    expect((await call(h.server.url, 'GET', '/api/me', { token: again.body.accessToken })).body.id).toBe(login.body.user.id);
    const refreshed = await call(h.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: again.body.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(claimsOf(refreshed.body.accessToken)).toMatchObject({ idp: 'fakeplat', aud: FAKE_APPS[1] });
    const introspected = await call(h.server.url, 'POST', '/api/auth/introspect', {
      json: { token: refreshed.body.accessToken },
      headers: basicAuth(),
    });
    expect(introspected.body).toMatchObject({ active: true, sub: login.body.user.id, aud: FAKE_APPS[1], idp: 'fakeplat' });
    // A backend verifying offline sees the provider too.
    const verifier = createTokenVerifier({ jwksUrl: `${h.server.url}/.well-known/jwks.json`, audience: FAKE_APPS });
    expect(await verifier.verify(refreshed.body.accessToken)).toMatchObject({
      userId: login.body.user.id,
      appid: FAKE_APPS[1],
      provider: 'fakeplat',
    });
  });

  it('logs in to the provider’s first app when the login names none, while a login naming no provider stays WeChat', async () => {
    const login = await fakeLogin(platform.mint(FAKE_APPS[0] ?? '').code);
    expect(login.status).toBe(200);
    expect(claimsOf(login.body.accessToken)).toMatchObject({ idp: 'fakeplat', aud: FAKE_APPS[0] });
    const wechat = await loginAs(h);
    expect(claimsOf(wechat.response.body.accessToken)).toMatchObject({ idp: 'wechat', aud: APP_A.appid });
  });

  it('joins the user of another of its apps by a union key of its own family', async () => {
    const unionKey = `fake-union-${Date.now()}`;
    const inOne = await fakeLogin(platform.mint(FAKE_APPS[0] ?? '', { unionKey }).code, FAKE_APPS[0]);
    const inTwo = await fakeLogin(platform.mint(FAKE_APPS[1] ?? '', { unionKey }).code, FAKE_APPS[1]);
    expect(inTwo.body.isNewUser).toBe(false);
    expect(inTwo.body.user.id).toBe(inOne.body.user.id);
  });

  it('never joins a WeChat user, even by a union key spelled the same as their unionid', async () => {
    const key = `oUsame${Date.now()}`.padEnd(28, 'k');
    const wechat = await loginAs(h, { unionid: key });
    const fake = await fakeLogin(platform.mint(FAKE_APPS[0] ?? '', { unionKey: key }).code, FAKE_APPS[0]);
    expect(fake.body.isNewUser).toBe(true);
    expect(fake.body.user.id).not.toBe(wechat.response.body.user.id);
    // And the other way round: a WeChat app's first login with that unionid finds the WeChat user only.
    const wechatAgain = await loginAs(h, { appid: 'wx00000000000000b2', unionid: key });
    expect(wechatAgain.response.body.user.id).toBe(wechat.response.body.user.id);
  });

  it('makes one user when first logins race, for one subject and for one union key across two apps', async () => {
    const before = rows();
    const subject = `fake-racer-${Date.now()}`;
    const sameSubject = Array.from({ length: 20 }, () => platform.mint(FAKE_APPS[0] ?? '', { subject }).code);
    const bySubject = await Promise.all(sameSubject.map((code) => fakeLogin(code, FAKE_APPS[0])));
    expect(bySubject.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(new Set(bySubject.map((response) => response.body.user.id)).size).toBe(1);
    expect(bySubject.filter((response) => response.body.isNewUser)).toHaveLength(1);

    const unionKey = `fake-race-union-${Date.now()}`;
    const subjects = [`${subject}-1`, `${subject}-2`];
    const acrossApps = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const app = FAKE_APPS[i % 2] ?? '';
        return fakeLogin(platform.mint(app, { subject: subjects[i % 2], unionKey }).code, app);
      }),
    );
    expect(new Set(acrossApps.map((response) => response.body.user.id)).size).toBe(1);
    expect(acrossApps.filter((response) => response.body.isNewUser)).toHaveLength(1);
    expect(rows()).toEqual({
      ...before,
      users: before.users + 2,
      accounts: before.accounts + 3,
      unions: before.unions + 1,
      sessions: before.sessions + 40,
    });
  });

  it('leaves no rows behind when the exchange fails, and audits the failure under the provider', async () => {
    const before = rows();
    const failed = await fakeLogin('fk-never-minted', FAKE_APPS[0]);
    expect(failed.status).toBe(400);
    expect(failed.body.error.code).toBe('INVALID_CODE');
    // A code of one app presented for another is refused as the platform refuses it.
    const crossed = await fakeLogin(platform.mint(FAKE_APPS[0] ?? '').code, FAKE_APPS[1]);
    expect(crossed.body.error.code).toBe('INVALID_CODE');
    expect(rows()).toEqual(before);
    const [failure] = await adminOn(h, 'audit', '--type', 'login_failed', '--limit', '1');
    expect(failure).toMatchObject({ provider: 'fakeplat', app: FAKE_APPS[1], details: { code: 'INVALID_CODE' } });
  });

  it('refuses a provider or app the server is not configured for', async () => {
    const code = platform.mint(FAKE_APPS[0] ?? '').code;
    const unknownProvider = await call(h.server.url, 'POST', '/api/auth/login', { json: { provider: 'nosuch', code } });
    expect({ status: unknownProvider.status, code: unknownProvider.body.error.code }).toEqual({ status: 400, code: 'UNKNOWN_PROVIDER' });
    const wechatAppForFake = await fakeLogin(code, APP_A.appid);
    expect({ status: wechatAppForFake.status, code: wechatAppForFake.body.error.code }).toEqual({ status: 400, code: 'UNKNOWN_APP' });
    const fakeAppForWechat = await call(h.server.url, 'POST', '/api/auth/login', { json: { code, appid: FAKE_APPS[0] } });
    expect({ status: fakeAppForWechat.status, code: fakeAppForWechat.body.error.code }).toEqual({ status: 400, code: 'UNKNOWN_APP' });
    const malformed = await call(h.server.url, 'POST', '/api/auth/login', { json: { provider: 'No Such!', code } });
    expect({ status: malformed.status, code: malformed.body.error.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('can guard an operator’s route for one of its apps, as for a WeChat app', () => {
    // The server serves the provider's apps (their tokens verify here), so authenticateApp must accept them too.
    expect(() => h.server.app.authenticateApp(FAKE_APPS[0] ?? '')).not.toThrow();
    expect(() => h.server.app.authenticateApp(APP_A.appid)).not.toThrow();
    expect(() => h.server.app.authenticateApp('fake-app-three')).toThrow(/not an app this server serves/);
  });

  it('answers WeChat’s own routes with UNKNOWN_APP for its sessions: they have no WeChat session_key', async () => {
    const login = await fakeLogin(platform.mint(FAKE_APPS[0] ?? '', { secret: 'not-a-session-key' }).code, FAKE_APPS[0]);
    const status = await call(h.server.url, 'GET', '/api/wechat/session-key', { token: login.body.accessToken });
    expect({ status: status.status, code: status.body.error.code }).toEqual({ status: 400, code: 'UNKNOWN_APP' });
    const decrypt = await call(h.server.url, 'POST', '/api/wechat/decrypt', {
      token: login.body.accessToken,
      json: { encryptedData: 'AAAA', iv: 'AAAAAAAAAAAAAAAAAAAAAA==' },
    });
    expect(decrypt.body.error.code).toBe('UNKNOWN_APP');
  });

  it('has its tokens refused by a server sharing the key where it is not configured, even for an app id WeChat serves there', async () => {
    // Provider app ids are the provider's business: this one is spelled like a WeChat appid the other server serves.
    const lookalike = new FakePlatform();
    const withFake = await started.start(
      { WECHAT_APPS: `${APP_A.appid}:${APP_A.secret}` },
      { providers: [new FakeProvider(lookalike, [APP_A.appid])] },
    );
    const wechatOnly = await started.secondInstance(withFake, { WECHAT_APPS: `${APP_A.appid}:${APP_A.secret}` });
    const code = lookalike.mint(APP_A.appid).code;
    const login = await call(withFake.server.url, 'POST', '/api/auth/login', {
      json: { provider: 'fakeplat', appid: APP_A.appid, code },
    });
    expect(claimsOf(login.body.accessToken)).toMatchObject({ idp: 'fakeplat', aud: APP_A.appid });
    expect((await call(withFake.server.url, 'GET', '/api/me', { token: login.body.accessToken })).status).toBe(200);
    const elsewhere = await call(wechatOnly.server.url, 'GET', '/api/me', { token: login.body.accessToken });
    expect({ status: elsewhere.status, code: elsewhere.body.error.code }).toEqual({ status: 401, code: 'TOKEN_INVALID' });
  });
});
