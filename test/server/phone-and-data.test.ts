import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { APP_A, APP_B, call, type MintedCode, mintCode, signIn, useHarness } from '../support/harness.js';

const h = useHarness();

interface Session {
  minted: MintedCode;
  token: string;
}

async function signedIn(user: { appid?: string; openid?: string } = {}): Promise<Session> {
  const { minted, tokens } = await signIn(h, user);
  return { minted, token: tokens.accessToken };
}

async function phoneCode(openid: string, phoneNumber = '13580006666', appid = APP_A.appid): Promise<string> {
  const response = await call(h.simulator.url, 'POST', '/control/phone-codes', { json: { appid, openid, phoneNumber } });
  expect(response.status).toBe(200);
  return response.body.code;
}

async function encrypt(openid: string, data: Record<string, unknown>, appid = APP_A.appid): Promise<{ encryptedData: string; iv: string }> {
  const response = await call(h.simulator.url, 'POST', '/control/encrypt', { json: { appid, openid, data } });
  expect(response.status).toBe(200);
  return response.body;
}

/** Encrypted data whose base64 holds a "+", so that URL-encoding damage can be simulated for real. */
async function encryptWithPlus(openid: string, data: Record<string, unknown>): Promise<{ encryptedData: string; iv: string }> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const payload = await encrypt(openid, { ...data, pad: attempt });
    if (payload.encryptedData.includes('+')) return payload;
  }
  throw new Error('no ciphertext with a "+" in 50 tries');
}

describe('POST /api/me/phone with the getPhoneNumber button code', () => {
  it('binds the number, and GET /api/me shows it', async () => {
    const s = await signedIn();
    const response = await call(h.server.url, 'POST', '/api/me/phone', {
      token: s.token,
      json: { code: await phoneCode(s.minted.openid) },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ phoneNumber: '13580006666', purePhoneNumber: '13580006666', countryCode: '86' });
    const me = await call(h.server.url, 'GET', '/api/me', { token: s.token });
    expect(me.body.phoneBound).toBe(true);
    expect(me.body.phone).toEqual(response.body);
  });

  it('refuses a phone code used before', async () => {
    const s = await signedIn();
    const code = await phoneCode(s.minted.openid);
    expect((await call(h.server.url, 'POST', '/api/me/phone', { token: s.token, json: { code } })).status).toBe(200);
    const again = await call(h.server.url, 'POST', '/api/me/phone', { token: s.token, json: { code } });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('INVALID_PHONE_CODE');
  });

  it('refuses another user’s phone code: WeChat checks it against this user’s openid', async () => {
    const mine = await signedIn();
    const theirs = await signedIn();
    const response = await call(h.server.url, 'POST', '/api/me/phone', {
      token: mine.token,
      json: { code: await phoneCode(theirs.minted.openid, '13900000000') },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_PHONE_CODE');
    expect((await call(h.server.url, 'GET', '/api/me', { token: mine.token })).body.phoneBound).toBe(false);
  });

  it('says so when a wx.login code is sent instead, fresh or already used', async () => {
    const s = await signedIn();
    const fresh = await mintCode(h.simulator.url, { openid: s.minted.openid });
    const response = await call(h.server.url, 'POST', '/api/me/phone', { token: s.token, json: { code: fresh.code } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('PHONE_CODE_IS_LOGIN_CODE');
    expect(response.body.error.message).toContain('getPhoneNumber');
    const used = await call(h.server.url, 'POST', '/api/me/phone', { token: s.token, json: { code: s.minted.code } });
    expect(used.body.error.code).toBe('PHONE_CODE_IS_LOGIN_CODE');
  });
});

describe('POST /api/me/phone with legacy encryptedData', () => {
  it('binds the number decrypted with the stored session_key', async () => {
    const s = await signedIn();
    const payload = await encrypt(s.minted.openid, { phoneNumber: '+1 4155550100', purePhoneNumber: '4155550100', countryCode: '1' });
    const response = await call(h.server.url, 'POST', '/api/me/phone', { token: s.token, json: payload });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ phoneNumber: '+1 4155550100', purePhoneNumber: '4155550100', countryCode: '1' });
  });

  it('answers SESSION_KEY_EXPIRED when a later wx.login rotated the key, as WeChat’s checksession confirms', async () => {
    const s = await signedIn();
    // The phone logged in again (key rotated) but never sent that code here: the server's key is stale.
    await mintCode(h.simulator.url, { openid: s.minted.openid });
    const payload = await encrypt(s.minted.openid, { phoneNumber: '13580006666', purePhoneNumber: '13580006666', countryCode: '86' });
    const response = await call(h.server.url, 'POST', '/api/me/phone', { token: s.token, json: payload });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('SESSION_KEY_EXPIRED');
    const status = await call(h.server.url, 'GET', '/api/wechat/session-key', { token: s.token });
    expect(status.body.current).toBe(false);
  });

  it('refuses decrypted data that is not a phone number', async () => {
    const s = await signedIn();
    const payload = await encrypt(s.minted.openid, { stepInfoList: [] });
    const response = await call(h.server.url, 'POST', '/api/me/phone', { token: s.token, json: payload });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'DECRYPT_FAILED', details: { hint: 'not_phone_data' } });
  });
});

describe('POST /api/wechat/decrypt', () => {
  it('decrypts WeRun data encrypted by WeChat (the simulator) for this user', async () => {
    const s = await signedIn();
    const steps = { stepInfoList: [{ timestamp: 1_700_000_000, step: 4321 }] };
    const response = await call(h.server.url, 'POST', '/api/wechat/decrypt', {
      token: s.token,
      json: await encrypt(s.minted.openid, steps),
    });
    expect(response.status).toBe(200);
    expect(response.body.stepInfoList).toEqual(steps.stepInfoList);
    expect(response.body.watermark.appid).toBe(APP_A.appid);
  });

  it('diagnoses "+" turned into spaces by URL encoding as DECRYPT_FAILED with a hint', async () => {
    const s = await signedIn();
    const payload = await encryptWithPlus(s.minted.openid, { stepInfoList: [] });
    const damaged = { ...payload, encryptedData: payload.encryptedData.replaceAll('+', ' ') };
    const response = await call(h.server.url, 'POST', '/api/wechat/decrypt', { token: s.token, json: damaged });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'DECRYPT_FAILED', details: { hint: 'spaces_in_base64' } });
    expect(response.body.error.message).toContain('URL encoding');
  });

  it('tells damaged data from a stale key: the key is current, so the data was damaged', async () => {
    const s = await signedIn();
    const payload = await encrypt(s.minted.openid, { stepInfoList: [{ step: 1 }] });
    const bytes = Buffer.from(payload.encryptedData, 'base64');
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1); // breaks the PKCS#7 padding
    const response = await call(h.server.url, 'POST', '/api/wechat/decrypt', {
      token: s.token,
      json: { ...payload, encryptedData: bytes.toString('base64') },
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'DECRYPT_FAILED', details: { hint: 'damaged' } });
  });

  it('refuses another app’s data (WATERMARK_MISMATCH) even when it decrypts', async () => {
    const s = await signedIn();
    // The same person in app B, given the same session_key: only the watermark tells the data apart.
    await mintCode(h.simulator.url, { appid: APP_B.appid, openid: s.minted.openid, sessionKey: s.minted.sessionKey });
    const payload = await encrypt(s.minted.openid, { stepInfoList: [] }, APP_B.appid);
    const response = await call(h.server.url, 'POST', '/api/wechat/decrypt', { token: s.token, json: payload });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('WATERMARK_MISMATCH');
  });

  it('refuses data naming another user’s openId', async () => {
    const s = await signedIn();
    const payload = await encrypt(s.minted.openid, { openId: 'oSomeoneElse000000000000000x' });
    const response = await call(h.server.url, 'POST', '/api/wechat/decrypt', { token: s.token, json: payload });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('DATA_OWNER_MISMATCH');
  });

  const malformed: [string, unknown, number, string][] = [
    ['missing iv', { encryptedData: 'AAAA' }, 400, 'VALIDATION_FAILED'],
    ['missing encryptedData', { iv: 'r7BXXKkLb8qrSNn05n0qiA==' }, 400, 'VALIDATION_FAILED'],
    ['wrong types', { encryptedData: 1, iv: true }, 400, 'VALIDATION_FAILED'],
    ['iv of the wrong length', { encryptedData: 'AAAAAAAAAAAAAAAAAAAAAA==', iv: 'AAAA' }, 400, 'VALIDATION_FAILED'],
    ['non-base64', { encryptedData: 'not*base64!', iv: 'r7BXXKkLb8qrSNn05n0qiA==' }, 400, 'VALIDATION_FAILED'],
    ['data not a multiple of the block size', { encryptedData: 'AAAA', iv: 'r7BXXKkLb8qrSNn05n0qiA==' }, 400, 'VALIDATION_FAILED'],
    ['oversized encryptedData', { encryptedData: 'A'.repeat(40_000), iv: 'r7BXXKkLb8qrSNn05n0qiA==' }, 400, 'VALIDATION_FAILED'],
    ['oversized body', { encryptedData: 'A'.repeat(100_000), iv: 'r7BXXKkLb8qrSNn05n0qiA==' }, 413, 'BODY_TOO_LARGE'],
    ['unknown field', { encryptedData: 'AAAA', iv: 'AAAA', sessionKey: 'x' }, 400, 'VALIDATION_FAILED'],
  ];
  for (const [name, json, status, code] of malformed) {
    it(`answers ${name} with ${status} ${code}`, async () => {
      const s = await signedIn();
      const response = await call(h.server.url, 'POST', '/api/wechat/decrypt', { token: s.token, json });
      expect(response.status).toBe(status);
      expect(response.body.error.code).toBe(code);
    });
  }

  it('answers malformed phone bodies with 400: neither or both of the two forms', async () => {
    const s = await signedIn();
    for (const json of [{}, { code: 'abc', encryptedData: 'AAAA', iv: 'AAAA' }, { encryptedData: 'AAAA' }, { code: 12 }]) {
      const response = await call(h.server.url, 'POST', '/api/me/phone', { token: s.token, json });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('needs a token', async () => {
    const response = await call(h.server.url, 'POST', '/api/wechat/decrypt', { json: { encryptedData: 'AAAA', iv: 'AAAA' } });
    expect(response.status).toBe(401);
  });
});

describe('session_key health', () => {
  it('reports a fresh login’s key as current', async () => {
    const s = await signedIn();
    const status = await call(h.server.url, 'GET', '/api/wechat/session-key', { token: s.token });
    expect(status.status).toBe(200);
    expect(status.body.current).toBe(true);
    expect(Object.keys(status.body).sort()).toEqual(['current', 'updatedAt']);
  });

  it('resets a current key: WeChat’s old key dies, the new one is stored and decrypts', async () => {
    const s = await signedIn();
    const reset = await call(h.server.url, 'POST', '/api/wechat/session-key/reset', { token: s.token });
    expect(reset.status).toBe(200);
    expect(reset.body.current).toBe(true);
    expect((await call(h.server.url, 'GET', '/api/wechat/session-key', { token: s.token })).body.current).toBe(true);
    const payload = await encrypt(s.minted.openid, { stepInfoList: [{ step: 7 }] });
    expect((await call(h.server.url, 'POST', '/api/wechat/decrypt', { token: s.token, json: payload })).status).toBe(200);
    expect(JSON.stringify(reset.body)).not.toContain(s.minted.sessionKey);
  });

  it('cannot reset a stale key: WeChat wants proof of the current one, so the client must log in again', async () => {
    const s = await signedIn();
    await mintCode(h.simulator.url, { openid: s.minted.openid });
    const reset = await call(h.server.url, 'POST', '/api/wechat/session-key/reset', { token: s.token });
    expect(reset.status).toBe(401);
    expect(reset.body.error.code).toBe('SESSION_KEY_EXPIRED');
  });

  it('heals once the client logs in again with a new code', async () => {
    const s = await signedIn();
    const rotated = await mintCode(h.simulator.url, { openid: s.minted.openid });
    expect((await call(h.server.url, 'GET', '/api/wechat/session-key', { token: s.token })).body.current).toBe(false);
    const again = await call(h.server.url, 'POST', '/api/auth/login', { json: { code: rotated.code } });
    expect((await call(h.server.url, 'GET', '/api/wechat/session-key', { token: again.body.accessToken })).body.current).toBe(true);
    expect((await call(h.server.url, 'GET', '/api/wechat/session-key', { token: s.token })).body.current).toBe(true);
  });
});

describe('POST /api/wechat/verify-signature (legacy rawData)', () => {
  it('checks sha1(rawData + session_key) against the signature', async () => {
    const s = await signedIn();
    const rawData = JSON.stringify({ nickName: 'Band', gender: 1 });
    const signature = createHash('sha1')
      .update(rawData + s.minted.sessionKey)
      .digest('hex');
    const good = await call(h.server.url, 'POST', '/api/wechat/verify-signature', { token: s.token, json: { rawData, signature } });
    expect(good.body).toEqual({ valid: true });
    const bad = await call(h.server.url, 'POST', '/api/wechat/verify-signature', {
      token: s.token,
      json: { rawData: `${rawData} `, signature },
    });
    expect(bad.body).toEqual({ valid: false });
    const malformed = await call(h.server.url, 'POST', '/api/wechat/verify-signature', {
      token: s.token,
      json: { rawData, signature: 'xyz' },
    });
    expect(malformed.status).toBe(400);
  });
});

describe('concurrent session-key resets (found by the fuzzer)', () => {
  it('all succeed: the ones that lose the race at WeChat see the key the winner stored', async () => {
    const s = await signedIn();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => call(h.server.url, 'POST', '/api/wechat/session-key/reset', { token: s.token })),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await call(h.server.url, 'GET', '/api/wechat/session-key', { token: s.token })).body.current).toBe(true);
  });
});
