import { describe, expect, it } from 'vitest';
import { type RunningDouyinSimulator, startDouyinSimulator } from '../../src/providers/douyin/simulator/index.js';
import { forTheBlock } from '../support/block-lifetime.js';
import { DOUYIN_APP_A, DOUYIN_APP_B, douyinControl, phoneKeyPair } from '../support/douyin.js';
import { adminOn, call, harnessesPerTest, type JsonResponse, loginAs, useHarness } from '../support/harness.js';

/**
 * Douyin mini programs through the real server on every engine: the server calls a Douyin simulator of its own over
 * HTTP, configured by DOUYIN_* variables as an operator would, and the tests mint what tt.login and the phone button
 * give through the simulator's control API.
 */
const consoleKeys = phoneKeyPair();
const douyin = forTheBlock('the Douyin simulator', () =>
  startDouyinSimulator({ apps: [DOUYIN_APP_A, DOUYIN_APP_B].map((app) => ({ ...app, publicKey: consoleKeys.publicKey })) }),
);
const douyinEnv = (sim: RunningDouyinSimulator, privateKey = consoleKeys.privateKey): Record<string, string> => ({
  DOUYIN_APPS: [DOUYIN_APP_A, DOUYIN_APP_B].map((app) => `${app.appid}:${app.secret}`).join(','),
  DOUYIN_API_BASE: sim.url,
  DOUYIN_PRIVATE_KEY: privateKey,
  // Roomy, so that 20 racing logins on a busy machine do not time out; the timeout case delays well past it.
  DOUYIN_TIMEOUT_MS: '2000',
  DOUYIN_RETRIES: '1',
});
const h = useHarness(() => douyinEnv(douyin.current()));
const started = harnessesPerTest();

interface Minted {
  code: string;
  subject: string;
  anonymousCode: string;
  anonymousOpenid: string;
}

/** What tt.login gives in the app: a code and an anonymousCode (a guest: the anonymousCode only). */
function ttLogin(
  body: { appid?: string; subject?: string; unionid?: string; device?: string; guest?: boolean } = {},
  sim = douyin.current().url,
): Promise<Minted> {
  return douyinControl<Minted>(sim, '/codes', { appid: DOUYIN_APP_A.appid, ...body });
}

async function login(minted: { code?: string; anonymousCode?: string }, appid = DOUYIN_APP_A.appid, server = h.server.url) {
  const credential = {
    ...(minted.code ? { code: minted.code } : {}),
    ...(minted.anonymousCode ? { anonymousCode: minted.anonymousCode } : {}),
  };
  return call(server, 'POST', '/api/auth/login', { json: { provider: 'douyin', appid, ...credential } });
}

async function fault(body: { api: string; errNo?: number; delayMs?: number; times?: number }): Promise<void> {
  await douyinControl(douyin.current().url, '/faults', body);
}

async function clearFaults(): Promise<void> {
  await fetch(`${douyin.current().url}/control/faults`, { method: 'DELETE' });
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

function rows(): { users: number; accounts: number; unions: number; sessions: number } {
  return { users: h.count('users'), accounts: h.count('accounts'), unions: h.count('union_identities'), sessions: h.count('sessions') };
}

function failure(response: JsonResponse): { status: number; code: string } {
  return { status: response.status, code: response.body?.error?.code };
}

describe('Douyin mini programs through the server', () => {
  it('creates a user on a first login and finds them again, with tokens naming douyin and the app', async () => {
    const first = await ttLogin();
    const created = await login(first);
    expect({ status: created.status, isNewUser: created.body.isNewUser, guest: created.body.user.guest }).toEqual({
      status: 200,
      isNewUser: true,
      guest: false,
    });
    expect(claimsOf(created.body.accessToken)).toMatchObject({ idp: 'douyin', aud: DOUYIN_APP_A.appid, sub: created.body.user.id });

    const again = await login(await ttLogin({ subject: first.subject }));
    expect({ status: again.status, isNewUser: again.body.isNewUser, user: again.body.user.id }).toEqual({
      status: 200,
      isNewUser: false,
      user: created.body.user.id,
    });
    const me = await call(h.server.url, 'GET', '/api/me', { token: again.body.accessToken });
    expect({ id: me.body.id, guest: me.body.guest }).toEqual({ id: created.body.user.id, guest: false });
    const refreshed = await call(h.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: again.body.refreshToken } });
    expect(claimsOf(refreshed.body.accessToken)).toMatchObject({ idp: 'douyin', aud: DOUYIN_APP_A.appid });
  });

  it('logs a guest in by the anonymousCode alone, and keeps their user when the same device logs in for real', async () => {
    const device = `device-${Date.now()}`;
    const asGuest = await ttLogin({ guest: true, device });
    expect(asGuest.code).toBe('');
    const guest = await login(asGuest);
    expect({ status: guest.status, isNewUser: guest.body.isNewUser, guest: guest.body.user.guest }).toEqual({
      status: 200,
      isNewUser: true,
      guest: true,
    });
    // The same device, still a guest, is the same person.
    const guestAgain = await login(await ttLogin({ guest: true, device }));
    expect({ user: guestAgain.body.user.id, isNewUser: guestAgain.body.isNewUser }).toEqual({ user: guest.body.user.id, isNewUser: false });

    const before = rows();
    const real = await login(await ttLogin({ device }));
    expect({ status: real.status, user: real.body.user.id, guest: real.body.user.guest, isNewUser: real.body.isNewUser }).toEqual({
      status: 200,
      user: guest.body.user.id,
      guest: false,
      isNewUser: false,
    });
    expect(rows()).toMatchObject({ users: before.users, accounts: before.accounts + 1 });
    expect((await call(h.server.url, 'GET', '/api/me', { token: guest.body.accessToken })).body.guest).toBe(false);
    const audit: { type: string; details: unknown }[] = await adminOn(h, 'audit', '--user', guest.body.user.id, '--limit', '10');
    expect(audit.find((event) => event.type === 'account_superseded')?.details).toEqual({
      superseded: `anonymous:${asGuest.anonymousOpenid}`,
    });

    // Another device's guest is another person.
    const stranger = await login(await ttLogin({ guest: true, device: `${device}-other` }));
    expect(stranger.body.user.id).not.toBe(guest.body.user.id);
  });

  it('joins the user of another Douyin app by unionid, and never a WeChat user with the same unionid string', async () => {
    const unionid = `dy-union-${Date.now()}`;
    const inA = await login(await ttLogin({ unionid }));
    const inB = await login(await ttLogin({ appid: DOUYIN_APP_B.appid, unionid }), DOUYIN_APP_B.appid);
    expect({ status: inB.status, isNewUser: inB.body.isNewUser, user: inB.body.user.id }).toEqual({
      status: 200,
      isNewUser: false,
      user: inA.body.user.id,
    });
    expect(claimsOf(inB.body.accessToken)).toMatchObject({ aud: DOUYIN_APP_B.appid });

    const wechat = await loginAs(h, { unionid });
    expect(wechat.response.status).toBe(200);
    expect(wechat.response.body.isNewUser).toBe(true);
    expect(wechat.response.body.user.id).not.toBe(inA.body.user.id);
  });

  it('binds the phone number by the button’s code (an RSA-encrypted answer) and by legacy encryptedData', async () => {
    const byCode = await ttLogin();
    const session = await login(byCode);
    const { code } = await douyinControl<{ code: string }>(douyin.current().url, '/phone', {
      appid: DOUYIN_APP_A.appid,
      subject: byCode.subject,
      phoneNumber: '13800138000',
    });
    const bound = await call(h.server.url, 'POST', '/api/me/phone', { token: session.body.accessToken, json: { code } });
    expect({ status: bound.status, body: bound.body }).toEqual({
      status: 200,
      body: { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' },
    });
    const me = await call(h.server.url, 'GET', '/api/me', { token: session.body.accessToken });
    expect({ phoneBound: me.body.phoneBound, phone: me.body.phone?.purePhoneNumber }).toEqual({ phoneBound: true, phone: '13800138000' });
    // The button's code works once.
    const spent = await call(h.server.url, 'POST', '/api/me/phone', { token: session.body.accessToken, json: { code } });
    expect(failure(spent)).toEqual({ status: 400, code: 'INVALID_PHONE_CODE' });

    const legacy = await ttLogin();
    const other = await login(legacy);
    const payload = await douyinControl<{ encryptedData: string; iv: string }>(douyin.current().url, '/phone', {
      appid: DOUYIN_APP_A.appid,
      subject: legacy.subject,
      phoneNumber: '13900139000',
      legacy: true,
    });
    const boundLegacy = await call(h.server.url, 'POST', '/api/me/phone', { token: other.body.accessToken, json: payload });
    expect({ status: boundLegacy.status, phone: boundLegacy.body.purePhoneNumber }).toEqual({ status: 200, phone: '13900139000' });
  });

  it('decrypts encryptedData with the latest login’s session_key, and says when a later login replaced it', async () => {
    const minted = await ttLogin();
    const session = await login(minted);
    const payload = await douyinControl<{ encryptedData: string; iv: string }>(douyin.current().url, '/phone', {
      subject: minted.subject,
      phoneNumber: '13700137000',
      legacy: true,
    });
    const opened = await call(h.server.url, 'POST', '/api/me/decrypt', { token: session.body.accessToken, json: payload });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ purePhoneNumber: '13700137000', watermark: { appid: DOUYIN_APP_A.appid } });
    // The response never carries the session key.
    expect(JSON.stringify(opened.body)).not.toMatch(/session_?key/i);

    // A later tt.login hands out a new session_key: the old data no longer opens.
    await login(await ttLogin({ subject: minted.subject }));
    const stale = await call(h.server.url, 'POST', '/api/me/decrypt', { token: session.body.accessToken, json: payload });
    expect(failure(stale)).toEqual({ status: 401, code: 'SESSION_KEY_EXPIRED' });
    const spaced = { ...payload, encryptedData: payload.encryptedData.replaceAll('+', ' ') };
    if (spaced.encryptedData !== payload.encryptedData) {
      const damaged = await call(h.server.url, 'POST', '/api/me/decrypt', { token: session.body.accessToken, json: spaced });
      expect(failure(damaged)).toEqual({ status: 400, code: 'DECRYPT_FAILED' });
    }

    // A guest has no session_key to open anything with.
    const guest = await login(await ttLogin({ guest: true }));
    const asGuest = await call(h.server.url, 'POST', '/api/me/decrypt', { token: guest.body.accessToken, json: payload });
    expect(failure(asGuest)).toEqual({ status: 401, code: 'SESSION_KEY_EXPIRED' });
    const [audited] = await adminOn(h, 'audit', '--type', 'decrypt_failed', '--limit', '1');
    expect(audited).toMatchObject({ provider: 'douyin', details: { code: 'SESSION_KEY_EXPIRED' } });
  });

  it('refuses bad and spent codes with stable errors and writes nothing', async () => {
    const before = rows();
    const minted = await ttLogin();
    expect((await login(minted)).status).toBe(200);
    const afterOne = rows();
    expect(failure(await login(minted))).toEqual({ status: 400, code: 'INVALID_CODE' });
    const [spent] = await adminOn(h, 'audit', '--type', 'login_failed', '--limit', '1');
    expect(spent).toMatchObject({ provider: 'douyin', app: DOUYIN_APP_A.appid, details: { code: 'INVALID_CODE' } });
    expect(failure(await login({ code: 'never-minted-code' }))).toEqual({ status: 400, code: 'INVALID_CODE' });
    expect(failure(await login({ anonymousCode: 'never-minted-anonymous-code' }))).toEqual({ status: 400, code: 'INVALID_CODE' });
    // A code of one app presented for the other.
    expect(failure(await login(await ttLogin(), DOUYIN_APP_B.appid))).toEqual({ status: 400, code: 'INVALID_CODE' });
    const none = await call(h.server.url, 'POST', '/api/auth/login', { json: { provider: 'douyin' } });
    expect(failure(none)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    const unknownApp = await login(await ttLogin(), 'tt00000000000000ff');
    expect(failure(unknownApp)).toEqual({ status: 400, code: 'UNKNOWN_APP' });
    expect(rows()).toEqual({ ...before, users: before.users + 1, accounts: before.accounts + 1, sessions: before.sessions + 1 });
    expect(rows()).toEqual(afterOne);
    const [audited] = await adminOn(h, 'audit', '--type', 'login_failed', '--limit', '1');
    expect(audited).toMatchObject({ provider: 'douyin', app: 'tt00000000000000ff', details: { code: 'UNKNOWN_APP' } });
  });

  it('answers Douyin’s own failures with the DOUYIN_ codes and their statuses, and writes nothing', async () => {
    const before = rows();
    const cases: [{ api: string; errNo?: number; delayMs?: number; times?: number }, { status: number; code: string }][] = [
      [
        { api: 'jscode2session', errNo: -1, times: 2 },
        { status: 503, code: 'DOUYIN_UNAVAILABLE' },
      ],
      [
        { api: 'jscode2session', errNo: 40017 },
        { status: 502, code: 'DOUYIN_CREDENTIALS_REJECTED' },
      ],
      [
        { api: 'jscode2session', errNo: 28003018 },
        { status: 429, code: 'DOUYIN_RATE_LIMITED' },
      ],
      [
        { api: 'jscode2session', errNo: 12345 },
        { status: 502, code: 'DOUYIN_BAD_RESPONSE' },
      ],
      [
        { api: 'jscode2session', delayMs: 6_000 },
        { status: 504, code: 'DOUYIN_TIMEOUT' },
      ],
    ];
    try {
      for (const [injected, expected] of cases) {
        const minted = await ttLogin();
        await fault(injected);
        expect({ injected, answer: failure(await login(minted)) }).toEqual({ injected, answer: expected });
        await clearFaults();
      }
    } finally {
      await clearFaults();
    }
    expect(rows()).toEqual(before);

    // The phone API's failures reach the client the same way, and bind nothing.
    const minted = await ttLogin();
    const session = await login(minted);
    const phone = { appid: DOUYIN_APP_A.appid, subject: minted.subject, phoneNumber: '13600136000' };
    const { code } = await douyinControl<{ code: string }>(douyin.current().url, '/phone', phone);
    try {
      await fault({ api: 'get_phonenumber_info', errNo: 28003017 });
      const limited = await call(h.server.url, 'POST', '/api/me/phone', { token: session.body.accessToken, json: { code } });
      expect(failure(limited)).toEqual({ status: 429, code: 'DOUYIN_RATE_LIMITED' });
    } finally {
      await clearFaults();
    }
    expect((await call(h.server.url, 'GET', '/api/me', { token: session.body.accessToken })).body.phoneBound).toBe(false);
  });

  it('says so when the console holds another public key than DOUYIN_PRIVATE_KEY', async () => {
    const other = await started.start(douyinEnv(douyin.current(), phoneKeyPair().privateKey));
    const minted = await ttLogin();
    const session = await login(minted, DOUYIN_APP_A.appid, other.server.url);
    const { code } = await douyinControl<{ code: string }>(douyin.current().url, '/phone', {
      subject: minted.subject,
      phoneNumber: '13500135000',
    });
    const mismatch = await call(other.server.url, 'POST', '/api/me/phone', { token: session.body.accessToken, json: { code } });
    expect(failure(mismatch)).toEqual({ status: 502, code: 'DOUYIN_PHONE_KEY_MISMATCH' });
    expect(JSON.stringify(mismatch.body)).not.toContain('PRIVATE KEY');
  });

  it('makes one user when 20 first logins of one Douyin user race', async () => {
    const before = rows();
    const subject = `dy-racer-${Date.now()}`;
    const minted = await Promise.all(Array.from({ length: 20 }, () => ttLogin({ subject, unionid: `${subject}-union` })));
    const responses = await Promise.all(minted.map((one) => login(one)));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(new Set(responses.map((response) => response.body.user.id)).size).toBe(1);
    expect(responses.filter((response) => response.body.isNewUser)).toHaveLength(1);
    expect(rows()).toEqual({
      users: before.users + 1,
      accounts: before.accounts + 1,
      unions: before.unions + 1,
      sessions: before.sessions + 20,
    });
  });

  it('in simulator mode simulates Douyin under /sim/douyin, and its logins work', async () => {
    const simulated = await started.start({ WECHAT_APPS: '', WECHAT_SIMULATOR: 'true' });
    expect(simulated.server.simulatorMode).toBe(true);
    const listed = await call(simulated.server.url, 'GET', '/sim/platforms');
    const entry = listed.body.platforms.find((platform: { provider: string }) => platform.provider === 'douyin');
    expect(entry).toMatchObject({ provider: 'douyin', title: 'Douyin mini programs', base: '/sim/douyin' });
    const [appid] = entry.apps as string[];
    const minted = await ttLogin({ appid }, `${simulated.server.url}/sim/douyin`);
    const loggedIn = await login(minted, appid, simulated.server.url);
    expect({ status: loggedIn.status, aud: claimsOf(loggedIn.body.accessToken).aud }).toEqual({ status: 200, aud: appid });
  });
});
