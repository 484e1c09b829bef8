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

  it('answers WeChat’s own routes with UNKNOWN_APP, and capabilities it lacks with …_UNSUPPORTED', async () => {
    const login = await fakeLogin(platform.mint(FAKE_APPS[0] ?? '', { secret: 'not-a-session-key' }).code, FAKE_APPS[0]);
    const status = await call(h.server.url, 'GET', '/api/wechat/session-key', { token: login.body.accessToken });
    expect({ status: status.status, code: status.body.error.code }).toEqual({ status: 400, code: 'UNKNOWN_APP' });
    for (const path of ['/api/me/decrypt', '/api/wechat/decrypt']) {
      const decrypt = await call(h.server.url, 'POST', path, {
        token: login.body.accessToken,
        json: { encryptedData: 'AAAA', iv: 'AAAAAAAAAAAAAAAAAAAAAA==' },
      });
      expect({ status: decrypt.status, code: decrypt.body.error.code }).toEqual({ status: 400, code: 'DECRYPT_UNSUPPORTED' });
    }
    // It proves phones with a code only: encryptedData is another platform's way.
    const legacy = await call(h.server.url, 'POST', '/api/me/phone', {
      token: login.body.accessToken,
      json: { encryptedData: 'AAAA', iv: 'AAAAAAAAAAAAAAAAAAAAAA==' },
    });
    expect({ status: legacy.status, code: legacy.body.error.code }).toEqual({ status: 400, code: 'PHONE_UNSUPPORTED' });
  });

  it('binds the phone its platform proves for the session’s own user, through the core', async () => {
    const minted = platform.mint(FAKE_APPS[0] ?? '');
    const login = await fakeLogin(minted.code, FAKE_APPS[0]);
    const someoneElse = platform.mintPhone(FAKE_APPS[0] ?? '', 'another-subject', '13800000001');
    const refused = await call(h.server.url, 'POST', '/api/me/phone', { token: login.body.accessToken, json: { code: someoneElse } });
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 400, code: 'INVALID_PHONE_CODE' });
    const code = platform.mintPhone(FAKE_APPS[0] ?? '', minted.subject, '13800000002');
    const bound = await call(h.server.url, 'POST', '/api/me/phone', { token: login.body.accessToken, json: { code } });
    expect(bound.body).toEqual({ phoneNumber: '13800000002', purePhoneNumber: '13800000002', countryCode: '86' });
    const me = await call(h.server.url, 'GET', '/api/me', { token: login.body.accessToken });
    expect({ phoneBound: me.body.phoneBound, phone: me.body.phone?.purePhoneNumber }).toEqual({ phoneBound: true, phone: '13800000002' });
  });

  it('keeps a guest’s user for the person when they log in on that device, and says they are a guest no more', async () => {
    const app = FAKE_APPS[0] ?? '';
    const device = platform.mint(app, { guest: true });
    const guest = await fakeLogin(device.code, app);
    expect({ status: guest.status, guest: guest.body.user.guest, isNewUser: guest.body.isNewUser }).toEqual({
      status: 200,
      guest: true,
      isNewUser: true,
    });
    const before = rows();
    const real = await fakeLogin(platform.mint(app, { supersedes: [device.subject] }).code, app);
    expect({ user: real.body.user.id, guest: real.body.user.guest, isNewUser: real.body.isNewUser }).toEqual({
      user: guest.body.user.id,
      guest: false,
      isNewUser: false,
    });
    // One more account for the same user; no new user.
    expect(rows()).toMatchObject({ users: before.users, accounts: before.accounts + 1 });
    // The guest's session sees it too, at once on this instance.
    expect((await call(h.server.url, 'GET', '/api/me', { token: guest.body.accessToken })).body.guest).toBe(false);
    const audit: { type: string; details: unknown }[] = await adminOn(h, 'audit', '--user', guest.body.user.id, '--limit', '10');
    expect(audit.find((event) => event.type === 'account_superseded')?.details).toEqual({ superseded: device.subject });
    // The device logging in as a guest again (logged out of the platform) is the same person still.
    const again = await fakeLogin(platform.mint(app, { subject: device.subject, guest: true }).code, app);
    expect({ user: again.body.user.id, guest: again.body.user.guest }).toEqual({ user: guest.body.user.id, guest: false });
  });

  it('never hands a superseded account’s user to a subject that has a user of its own, or whose union key names one', async () => {
    const app = FAKE_APPS[0] ?? '';
    const device = platform.mint(app, { guest: true });
    const guest = await fakeLogin(device.code, app);
    const known = platform.mint(app);
    const own = await fakeLogin(known.code, app);
    const later = await fakeLogin(platform.mint(app, { subject: known.subject, supersedes: [device.subject] }).code, app);
    expect(later.body.user.id).toBe(own.body.user.id);

    // The same person's account in the other app carries the union key: their user wins over the device's guest.
    const unionKey = `fk-union-${Date.now()}`;
    const sibling = await fakeLogin(platform.mint(FAKE_APPS[1] ?? '', { unionKey }).code, FAKE_APPS[1]);
    const joined = await fakeLogin(platform.mint(app, { unionKey, supersedes: [device.subject] }).code, app);
    expect(joined.body.user.id).toBe(sibling.body.user.id);
    expect((await call(h.server.url, 'GET', '/api/me', { token: guest.body.accessToken })).body.guest).toBe(true);
  });

  it('refuses a login without any code, and a guest’s anonymousCode where the platform has no guests', async () => {
    const none = await call(h.server.url, 'POST', '/api/auth/login', { json: { provider: 'fakeplat' } });
    expect({ status: none.status, code: none.body.error.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    const wechatGuest = await call(h.server.url, 'POST', '/api/auth/login', { json: { anonymousCode: 'anon-123456' } });
    expect({ status: wechatGuest.status, code: wechatGuest.body.error.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
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
