import { afterEach, describe, expect, it } from 'vitest';
import { generateRsaKeyPair, type RunningAlipaySimulator, startAlipaySimulator } from '../../src/providers/alipay/simulator/index.js';
import { ALIPAY_SIMULATOR_APP } from '../../src/server/platforms/alipay.js';
import { call, type Harness, harnessesPerTest, type JsonResponse, useHarness } from '../support/harness.js';

/**
 * Alipay through the real server on the real database, in simulator mode: the server starts Alipay's simulator with
 * keys generated for this start and mounts it under /sim/alipay, where the tests mint authCodes and phone responses.
 */
const SIMULATOR_MODE = {
  WECHAT_APPS: '',
  WECHAT_API_BASE: '',
  WECHAT_SIMULATOR: 'true',
  ALIPAY_APPID: ALIPAY_SIMULATOR_APP,
  ALIPAY_RETRIES: '0',
  ALIPAY_TIMEOUT_MS: '3000',
};

const h = useHarness(SIMULATOR_MODE);
const started = harnessesPerTest();

async function control(server: Harness, path: string, body: object): Promise<Record<string, string>> {
  const response = await call(server.server.url, 'POST', `/sim/alipay/control${path}`, { json: body });
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

async function alipayLogin(server: Harness, code: string): Promise<JsonResponse> {
  return call(server.server.url, 'POST', '/api/auth/login', { json: { provider: 'alipay', code } });
}

function rows(server: Harness = h): { users: number; accounts: number; sessions: number } {
  return { users: server.count('users'), accounts: server.count('accounts'), sessions: server.count('sessions') };
}

describe('Alipay through the server (simulator mode)', () => {
  it('lists Alipay’s simulator, creates a user on a first login and finds them again', async () => {
    const listed = await call(h.server.url, 'GET', '/sim/platforms');
    expect(listed.body.platforms).toContainEqual({
      provider: 'alipay',
      title: 'Alipay mini programs',
      apps: [ALIPAY_SIMULATOR_APP],
      base: '/sim/alipay',
    });

    const minted = await control(h, '/codes', {});
    expect(minted.openId).toBe(minted.subject);
    const first = await alipayLogin(h, minted.code ?? '');
    expect({ status: first.status, isNewUser: first.body.isNewUser }).toEqual({ status: 200, isNewUser: true });
    const claims = JSON.parse(Buffer.from(first.body.accessToken.split('.')[1], 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ idp: 'alipay', aud: ALIPAY_SIMULATOR_APP, sub: first.body.user.id });

    const before = rows();
    const again = await alipayLogin(h, (await control(h, '/codes', { subject: minted.subject })).code ?? '');
    expect({ status: again.status, isNewUser: again.body.isNewUser, user: again.body.user.id }).toEqual({
      status: 200,
      isNewUser: false,
      user: first.body.user.id,
    });
    expect(rows()).toEqual({ ...before, sessions: before.sessions + 1 });
    const me = await call(h.server.url, 'GET', '/api/me', { token: again.body.accessToken });
    expect(me.body.id).toBe(first.body.user.id);
  });

  it('answers every failure with its code and status, and writes nothing', async () => {
    const used = await control(h, '/codes', {});
    expect((await alipayLogin(h, used.code ?? '')).status).toBe(200);
    const before = rows();
    const expectations: [string, () => Promise<unknown>, number, string][] = [
      ['never minted', async () => undefined, 400, 'INVALID_CODE'],
      ['busy', () => control(h, '/faults', { api: 'alipay.system.oauth.token', error: 'isp.unknow-error' }), 503, 'ALIPAY_UNAVAILABLE'],
      ['slow', () => control(h, '/faults', { api: 'alipay.system.oauth.token', delayMs: 4_000 }), 504, 'ALIPAY_TIMEOUT'],
      ['garbage', () => control(h, '/faults', { api: 'alipay.system.oauth.token', body: '<html>502</html>' }), 502, 'ALIPAY_BAD_RESPONSE'],
      ['forged', () => control(h, '/faults', { api: 'alipay.system.oauth.token', badSignature: true }), 502, 'ALIPAY_SIGNATURE_INVALID'],
      [
        'app',
        () => control(h, '/faults', { api: 'alipay.system.oauth.token', error: 'isv.invalid-app-id' }),
        502,
        'ALIPAY_CREDENTIALS_REJECTED',
      ],
    ];
    for (const [name, arrange, status, code] of expectations) {
      await arrange();
      const minted = name === 'never minted' ? { code: 'ac-never-minted' } : await control(h, '/codes', {});
      const failed = await alipayLogin(h, minted.code ?? '');
      expect({ name, status: failed.status, code: failed.body.error?.code }).toEqual({ name, status, code });
      expect(JSON.stringify(failed.body)).not.toMatch(/PRIVATE KEY/);
    }
    const reused = await alipayLogin(h, used.code ?? '');
    expect({ status: reused.status, code: reused.body.error.code }).toEqual({ status: 400, code: 'INVALID_CODE' });
    const unknownApp = await call(h.server.url, 'POST', '/api/auth/login', {
      json: { provider: 'alipay', code: 'whatever', appid: '2021999999999999' },
    });
    expect({ status: unknownApp.status, code: unknownApp.body.error.code }).toEqual({ status: 400, code: 'UNKNOWN_APP' });
    expect(rows()).toEqual(before);
  });

  it('makes one user of 20 racing first logins of one person', async () => {
    const before = rows();
    const { subject } = await control(h, '/codes', {});
    const codes = await Promise.all(Array.from({ length: 20 }, () => control(h, '/codes', { subject })));
    const logins = await Promise.all(codes.map(({ code }) => alipayLogin(h, code ?? '')));
    expect(logins.map((login) => login.status)).toEqual(Array(20).fill(200));
    expect(new Set(logins.map((login) => login.body.user.id)).size).toBe(1);
    expect(logins.filter((login) => login.body.isNewUser)).toHaveLength(1);
    expect(rows()).toEqual({ users: before.users + 1, accounts: before.accounts + 1, sessions: before.sessions + 20 });
  });

  it('binds the phone of my.getPhoneNumber’s response, and refuses a tampered one or another platform’s proof', async () => {
    const login = await alipayLogin(h, (await control(h, '/codes', {})).code ?? '');
    const token = login.body.accessToken;
    const { response = '' } = await control(h, '/phone', { phoneNumber: '13800138000' });

    const envelope = JSON.parse(response);
    const ciphertext: string = envelope.response;
    const flipped = `${ciphertext.slice(0, 10)}${ciphertext[10] === 'A' ? 'B' : 'A'}${ciphertext.slice(11)}`;
    const tampered = await call(h.server.url, 'POST', '/api/me/phone', {
      token,
      json: { response: JSON.stringify({ ...envelope, response: flipped }) },
    });
    expect({ status: tampered.status, code: tampered.body.error.code }).toEqual({ status: 400, code: 'DECRYPT_FAILED' });
    const wrongShape = await call(h.server.url, 'POST', '/api/me/phone', { token, json: { code: 'a-wechat-phone-code' } });
    expect({ status: wrongShape.status, code: wrongShape.body.error.code }).toEqual({ status: 400, code: 'PHONE_UNSUPPORTED' });
    const decrypt = await call(h.server.url, 'POST', '/api/me/decrypt', {
      token,
      json: { encryptedData: 'AAAA', iv: 'AAAAAAAAAAAAAAAAAAAAAA==' },
    });
    expect({ status: decrypt.status, code: decrypt.body.error.code }).toEqual({ status: 400, code: 'DECRYPT_UNSUPPORTED' });
    expect((await call(h.server.url, 'GET', '/api/me', { token })).body.phoneBound).toBe(false);

    const bound = await call(h.server.url, 'POST', '/api/me/phone', { token, json: { response } });
    expect(bound.body).toEqual({ phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' });
    const me = await call(h.server.url, 'GET', '/api/me', { token });
    expect({ phoneBound: me.body.phoneBound, phone: me.body.phone?.purePhoneNumber }).toEqual({ phoneBound: true, phone: '13800138000' });
  });
});

describe('an Alipay app moving from user_id to open_id', () => {
  it('keeps its users: the first open_id login of a user_id user joins that user', async () => {
    const before = await started.start({ ...SIMULATOR_MODE, ALIPAY_ID_MODE: 'user_id' });
    const minted = await control(before, '/codes', {});
    expect(minted.userId).toBe(minted.subject);
    const old = await alipayLogin(before, minted.code ?? '');
    expect(old.body.isNewUser).toBe(true);

    // The same database, restarted with the app on open_id; Alipay (a simulator of its own) in the move's stage.
    const after = await started.secondInstance(before, {
      ...SIMULATOR_MODE,
      ALIPAY_APPID: ALIPAY_SIMULATOR_APP,
      ALIPAY_ID_MODE: 'open_id',
    });
    await control(after, '/id-mode', { idMode: 'both' });
    const counts = rows(after);
    const moved = await control(after, '/codes', { userId: minted.userId ?? '' });
    expect(moved.openId).toBeDefined();
    expect(moved.subject).toBe(moved.openId);
    const login = await alipayLogin(after, moved.code ?? '');
    expect({ status: login.status, isNewUser: login.body.isNewUser, user: login.body.user.id }).toEqual({
      status: 200,
      isNewUser: false,
      user: old.body.user.id,
    });
    expect(rows(after)).toEqual({ users: counts.users, accounts: counts.accounts + 1, sessions: counts.sessions + 1 });

    // Once the move is done Alipay answers open_id only; the user is still found by it.
    await control(after, '/id-mode', { idMode: 'open_id' });
    const later = await alipayLogin(after, (await control(after, '/codes', { subject: moved.subject ?? '' })).code ?? '');
    expect({ isNewUser: later.body.isNewUser, user: later.body.user.id }).toEqual({ isNewUser: false, user: old.body.user.id });
  });
});

describe('Alipay configured by its variables, with no content-encryption key', () => {
  let gateway: RunningAlipaySimulator | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('logs in, and answers a phone request PHONE_UNSUPPORTED naming ALIPAY_ENCRYPT_KEY', async () => {
    const appid = '2021000000000077';
    const keys = generateRsaKeyPair();
    gateway = await startAlipaySimulator({ apps: [{ appid, appPublicKey: keys.publicKey, idMode: 'open_id' }] });
    const alipayPublicKey = gateway.state.apps.get(appid)?.alipayKeys.publicKey ?? '';
    const server = await started.start({
      ALIPAY_APPID: appid,
      // As an env file holds it: one line, newlines escaped.
      ALIPAY_PRIVATE_KEY: keys.privateKey.replaceAll('\n', '\\n'),
      ALIPAY_PUBLIC_KEY: alipayPublicKey,
      ALIPAY_GATEWAY: `${gateway.url}/gateway.do`,
    });
    // The keys are secrets: never in a log line.
    const body = keys.privateKey.split('\n')[1] ?? '';
    const minted = await call(gateway.url, 'POST', '/control/codes', { json: {} });
    const login = await alipayLogin(server, minted.body.code);
    expect({ status: login.status, isNewUser: login.body.isNewUser }).toEqual({ status: 200, isNewUser: true });

    const { body: phone } = await call(gateway.url, 'POST', '/control/phone', { json: { phoneNumber: '13800138000' } });
    const refused = await call(server.server.url, 'POST', '/api/me/phone', {
      token: login.body.accessToken,
      json: { response: phone.response },
    });
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 400, code: 'PHONE_UNSUPPORTED' });
    expect(refused.body.error.message).toMatch(/ALIPAY_ENCRYPT_KEY/);
    expect(server.logs.join('\n')).not.toContain(body);
  });
});
