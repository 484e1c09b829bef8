import { AlipaySdk } from 'alipay-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionAccount } from '../../src/core/identity-provider.js';
import { WeappAuthError } from '../../src/lib/errors.js';
import { AlipayApi } from '../../src/providers/alipay/api/alipay-api.js';
import { AlipayMiniProgramProvider } from '../../src/providers/alipay/miniprogram/provider.js';
import { generateRsaKeyPair } from '../../src/providers/alipay/simulator/index.js';
import { rejectionOf } from '../support/rejection.js';
import { ALIPAY_APP_A, ALIPAY_APP_B, alipayPlatform, control } from './alipay-support.js';

let platform: Awaited<ReturnType<typeof alipayPlatform>>;
beforeAll(async () => {
  platform = await alipayPlatform({ [ALIPAY_APP_A]: 'user_id', [ALIPAY_APP_B]: 'open_id' });
});
afterAll(async () => platform.simulator.close());

const sim = (): typeof platform.simulator => platform.simulator;
const session = (app: string): SessionAccount => ({
  userId: 'u1',
  sessionId: 's1',
  provider: 'alipay',
  app,
  subject: 'x',
  secret: undefined,
  secretUpdatedAt: undefined,
});
async function codeFor(app: string, body: object = {}): Promise<Record<string, string>> {
  return control(sim(), '/codes', { appid: app, ...body });
}
async function failureOf(promise: Promise<unknown>): Promise<WeappAuthError> {
  return rejectionOf(promise, WeappAuthError);
}

describe('the official alipay-sdk against the simulator, without our client', () => {
  function sdkFor(app: string): AlipaySdk {
    const config = platform.apps.find((candidate) => candidate.appid === app);
    if (config === undefined) throw new Error(app);
    return new AlipaySdk({
      appId: app,
      privateKey: config.privateKey,
      alipayPublicKey: config.alipayPublicKey,
      encryptKey: config.encryptKey ?? '',
      gateway: `${sim().url}/gateway.do`,
      keyType: 'PKCS8',
    });
  }

  it('exec signs a request the simulator accepts and validates the signed answer', async () => {
    const minted = await codeFor(ALIPAY_APP_B);
    const result = await sdkFor(ALIPAY_APP_B).exec(
      'alipay.system.oauth.token',
      { grantType: 'authorization_code', code: minted.code },
      { validateSign: true },
    );
    expect(result.openId).toBe(minted.openId);
    expect(result.accessToken).toEqual(expect.any(String));
  });

  it('the simulator refuses a request signed with another key, with Alipay’s own error', async () => {
    const config = platform.apps[0];
    if (config === undefined) throw new Error('no app');
    const stranger = new AlipaySdk({
      appId: config.appid,
      privateKey: generateRsaKeyPair().privateKey,
      alipayPublicKey: config.alipayPublicKey,
      gateway: `${sim().url}/gateway.do`,
      keyType: 'PKCS8',
    });
    const minted = await codeFor(config.appid);
    const result = await stranger.exec('alipay.system.oauth.token', { grantType: 'authorization_code', code: minted.code });
    expect(result).toMatchObject({ code: '40002', subCode: 'isv.invalid-signature' });
  });

  it('checks and opens a my.getPhoneNumber response with rsaCheck and aesDecrypt', async () => {
    const { response } = await control(sim(), '/phone', { appid: ALIPAY_APP_A, phoneNumber: '13800138000' });
    const envelope = JSON.parse(response ?? '') as { response: string; sign: string };
    const sdk = sdkFor(ALIPAY_APP_A);
    expect(sdk.rsaCheck(`"${envelope.response}"`, envelope.sign, 'RSA2')).toBe(true);
    expect(JSON.parse(sdk.aesDecrypt(envelope.response))).toEqual({ code: '10000', msg: 'Success', mobile: '13800138000' });
    expect(sdkFor(ALIPAY_APP_B).rsaCheck(`"${envelope.response}"`, envelope.sign, 'RSA2')).toBe(false);
  });
});

describe('Alipay login', () => {
  it('names the user by user_id on a user_id app and by open_id on an open_id app', async () => {
    const provider = platform.provider();
    const onA = await codeFor(ALIPAY_APP_A);
    expect(onA.userId).toMatch(/^2088\d{12}$/);
    expect(await provider.exchange(ALIPAY_APP_A, { code: onA.code })).toEqual({
      provider: 'alipay',
      app: ALIPAY_APP_A,
      subject: onA.userId,
    });
    const onB = await codeFor(ALIPAY_APP_B);
    expect(onB.userId).toBeUndefined();
    expect(await provider.exchange(ALIPAY_APP_B, { code: onB.code })).toEqual({
      provider: 'alipay',
      app: ALIPAY_APP_B,
      subject: onB.openId,
    });
  });

  it('during a move to open_id (Alipay answers both ids) the open_id identity supersedes the user_id', async () => {
    const before = await codeFor(ALIPAY_APP_A);
    const userId = before.userId ?? '';
    await control(sim(), '/id-mode', { appid: ALIPAY_APP_A, idMode: 'both' });
    try {
      const during = await codeFor(ALIPAY_APP_A, { userId });
      expect(during.userId).toBe(userId);
      const moved = platform.provider({ idModes: { [ALIPAY_APP_A]: 'open_id' } });
      expect(await moved.exchange(ALIPAY_APP_A, { code: during.code })).toEqual({
        provider: 'alipay',
        app: ALIPAY_APP_A,
        subject: during.openId,
        supersedes: [userId],
      });
      // Not yet moved here: the same answer still names the user by user_id.
      const again = await codeFor(ALIPAY_APP_A, { userId });
      expect((await platform.provider().exchange(ALIPAY_APP_A, { code: again.code })).subject).toBe(userId);
    } finally {
      await control(sim(), '/id-mode', { appid: ALIPAY_APP_A, idMode: 'user_id' });
    }
  });

  it('an app set to open_id here while Alipay still answers user_id only is a misconfiguration, said so', async () => {
    const minted = await codeFor(ALIPAY_APP_A);
    const error = await failureOf(
      platform.provider({ idModes: { [ALIPAY_APP_A]: 'open_id' } }).exchange(ALIPAY_APP_A, { code: minted.code }),
    );
    expect(error.code).toBe('ALIPAY_BAD_RESPONSE');
    expect(error.details).toMatchObject({ hint: 'id_mode' });
  });

  it('refuses a used, an expired and a missing authCode as INVALID_CODE with Alipay’s sub_code', async () => {
    const provider = platform.provider();
    const used = await codeFor(ALIPAY_APP_B);
    await provider.exchange(ALIPAY_APP_B, { code: used.code });
    const error = await failureOf(provider.exchange(ALIPAY_APP_B, { code: used.code }));
    expect(error.code).toBe('INVALID_CODE');
    expect(error.details).toMatchObject({ code: '40002', sub_code: 'isv.code-invalid' });
    const stale = await codeFor(ALIPAY_APP_B);
    await control(sim(), '/clock', { advanceSeconds: 181 });
    expect((await failureOf(provider.exchange(ALIPAY_APP_B, { code: stale.code }))).code).toBe('INVALID_CODE');
    expect((await failureOf(provider.exchange(ALIPAY_APP_B, {}))).code).toBe('INVALID_CODE');
  });

  it('retries 20000 (busy) and answers ALIPAY_UNAVAILABLE when it persists', async () => {
    const provider = platform.provider({ retries: 1 });
    await control(sim(), '/faults', { api: 'alipay.system.oauth.token', error: 'isp.unknow-error' });
    const once = await codeFor(ALIPAY_APP_B);
    expect((await provider.exchange(ALIPAY_APP_B, { code: once.code })).subject).toBe(once.openId);
    await control(sim(), '/faults', { api: 'alipay.system.oauth.token', error: 'isp.unknow-error', times: 2 });
    const twice = await codeFor(ALIPAY_APP_B);
    const error = await failureOf(provider.exchange(ALIPAY_APP_B, { code: twice.code }));
    expect(error.code).toBe('ALIPAY_UNAVAILABLE');
    expect(error.details).toMatchObject({ code: '20000', sub_code: 'isp.unknow-error' });
  });

  it('refuses an answer whose signature does not verify: ALIPAY_SIGNATURE_INVALID', async () => {
    await control(sim(), '/faults', { api: 'alipay.system.oauth.token', badSignature: true });
    const minted = await codeFor(ALIPAY_APP_B);
    expect((await failureOf(platform.provider().exchange(ALIPAY_APP_B, { code: minted.code }))).code).toBe('ALIPAY_SIGNATURE_INVALID');
  });

  it('maps a broken answer, a slow one and an unreachable gateway', async () => {
    await control(sim(), '/faults', { api: 'alipay.system.oauth.token', body: '<html>502 Bad Gateway</html>' });
    const broken = await codeFor(ALIPAY_APP_B);
    expect((await failureOf(platform.provider().exchange(ALIPAY_APP_B, { code: broken.code }))).code).toBe('ALIPAY_BAD_RESPONSE');
    await control(sim(), '/faults', { api: 'alipay.system.oauth.token', delayMs: 1_000 });
    const slow = await codeFor(ALIPAY_APP_B);
    expect((await failureOf(platform.provider({ timeoutMs: 200 }).exchange(ALIPAY_APP_B, { code: slow.code }))).code).toBe(
      'ALIPAY_TIMEOUT',
    );
    const nowhere = platform.provider({ gateway: 'http://127.0.0.1:9/gateway.do' });
    expect((await failureOf(nowhere.exchange(ALIPAY_APP_B, { code: 'x' }))).code).toBe('ALIPAY_UNAVAILABLE');
  });

  it('a wrong app private key or an app Alipay does not know: ALIPAY_CREDENTIALS_REJECTED', async () => {
    const [a] = platform.apps;
    if (a === undefined) throw new Error('no app');
    const gateway = { gateway: `${sim().url}/gateway.do`, timeoutMs: 2_000, retries: 0 };
    const wrongKey = { ...a, privateKey: generateRsaKeyPair().privateKey };
    const minted = await codeFor(a.appid);
    const withWrongKey = new AlipayMiniProgramProvider({ alipay: new AlipayApi(gateway, [wrongKey]), apps: [wrongKey] });
    const refused = await failureOf(withWrongKey.exchange(a.appid, { code: minted.code }));
    expect(refused.code).toBe('ALIPAY_CREDENTIALS_REJECTED');
    expect(refused.details).toMatchObject({ sub_code: 'isv.invalid-signature' });
    const unknown = { ...a, appid: '2021009999999999' };
    const withUnknownApp = new AlipayMiniProgramProvider({ alipay: new AlipayApi(gateway, [unknown]), apps: [unknown] });
    const error = await failureOf(withUnknownApp.exchange(unknown.appid, { code: minted.code }));
    expect(error.code).toBe('ALIPAY_CREDENTIALS_REJECTED');
    expect(error.details).toMatchObject({ sub_code: 'isv.invalid-app-id' });
  });
});

describe('Alipay phone number', () => {
  it('opens my.getPhoneNumber’s response, encrypted or plain', async () => {
    const provider = platform.provider();
    for (const encrypted of [true, false]) {
      const { response = '' } = await control(sim(), '/phone', { appid: ALIPAY_APP_B, phoneNumber: '13912345678', encrypted });
      expect(await provider.phoneNumber(session(ALIPAY_APP_B), { response })).toEqual({
        phoneNumber: '13912345678',
        purePhoneNumber: '13912345678',
        countryCode: '86',
      });
    }
  });

  it('refuses a tampered response, another app’s, garbage, and proofs of other platforms', async () => {
    const provider = platform.provider();
    const { response = '' } = await control(sim(), '/phone', { appid: ALIPAY_APP_B, phoneNumber: '13912345678', encrypted: false });
    const tampered = response.replace('13912345678', '13900000000');
    const error = await failureOf(provider.phoneNumber(session(ALIPAY_APP_B), { response: tampered }));
    expect(error.code).toBe('DECRYPT_FAILED');
    expect(error.details).toMatchObject({ hint: 'bad_signature' });
    const forA = await control(sim(), '/phone', { appid: ALIPAY_APP_A, phoneNumber: '13912345678' });
    expect((await failureOf(provider.phoneNumber(session(ALIPAY_APP_B), { response: forA.response ?? '' }))).details).toMatchObject({
      hint: 'bad_signature',
    });
    expect((await failureOf(provider.phoneNumber(session(ALIPAY_APP_B), { response: 'not json' }))).details).toMatchObject({
      hint: 'malformed',
    });
    expect((await failureOf(provider.phoneNumber(session(ALIPAY_APP_B), { code: 'abc' }))).code).toBe('PHONE_UNSUPPORTED');
  });
});
