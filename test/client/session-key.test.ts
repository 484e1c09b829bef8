import { describe, expect, it } from 'vitest';
import { AuthClientError, type User } from '../../src/client/index.js';
import { call, mintCode, useHarness } from '../support/harness.js';
import { type FakeWx, fakeWx } from './fake-wx.js';
import { clientFor } from './helpers.js';

const PHONE = { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' };
const h = useHarness();

/** Another wx.login on the device (a plugin, another SDK) rotates the key at WeChat without telling our server. */
async function rotateKeyElsewhere(wx: FakeWx): Promise<void> {
  const minted = await mintCode(h.simulator.url, { openid: wx.openid! });
  wx.sessionKey = minted.sessionKey;
}

/** encryptedData + iv as WeChat hands them to the mini program now: made with the user's current session_key. */
async function encryptNow(wx: FakeWx, data: Record<string, unknown>): Promise<{ encryptedData: string; iv: string }> {
  const response = await call(h.simulator.url, 'POST', '/control/encrypt', { json: { openid: wx.openid, data } });
  return response.body as { encryptedData: string; iv: string };
}

async function phoneBound(wx: FakeWx, client: ReturnType<typeof clientFor>): Promise<boolean> {
  return (await client.request<User>({ url: '/api/me' })).phoneBound && wx.openid !== undefined;
}

describe('SESSION_KEY_EXPIRED: one re-login, then one retry', () => {
  it('legacy phone data made with the current key succeeds after the re-login syncs the server to that key', async () => {
    // WeChat keeps the key across wx.login calls within its minimum rotation period; this fake does the same.
    const wx = fakeWx(h.simulator.url, { keepSessionKey: true });
    const client = clientFor(h, wx);
    await client.login();
    await rotateKeyElsewhere(wx);
    const payload = await encryptNow(wx, PHONE);

    expect(await client.getPhoneNumber({ errMsg: 'getPhoneNumber:ok', ...payload })).toEqual(PHONE);
    expect(wx.logins).toBe(2);
    expect(wx.count('POST /api/me/phone')).toBe(2);
    expect(await phoneBound(wx, client)).toBe(true);
  });

  it('when the re-login rotates the key again, a fixed payload cannot open: ENCRYPTED_DATA_STALE after exactly one re-login', async () => {
    const wx = fakeWx(h.simulator.url); // the simulator's default: every wx.login rotates the key
    const client = clientFor(h, wx);
    await client.login();
    await rotateKeyElsewhere(wx);
    const payload = await encryptNow(wx, PHONE);

    const error = await client.getPhoneNumber({ errMsg: 'getPhoneNumber:ok', ...payload }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthClientError);
    expect((error as AuthClientError).code).toBe('ENCRYPTED_DATA_STALE');
    expect((error as AuthClientError).message).toMatch(/tap again/);
    expect(wx.logins).toBe(2);
    expect(wx.count('POST /api/me/phone')).toBe(2);
    expect(await phoneBound(wx, client)).toBe(false);
  });

  it('data given as a function is made again after the re-login, so it succeeds even when every login rotates the key', async () => {
    const wx = fakeWx(h.simulator.url);
    const client = clientFor(h, wx);
    await client.login();
    await rotateKeyElsewhere(wx);
    const werun = { stepInfoList: [{ timestamp: 1_700_000_000, step: 4321 }] };
    let made = 0;

    const opened = await client.request<{ stepInfoList: unknown }>({
      url: '/api/wechat/decrypt',
      method: 'POST',
      // In a mini program: () => wx.getWeRunData() wrapped in a promise.
      data: async () => {
        made += 1;
        return encryptNow(wx, werun);
      },
    });
    expect(opened.stepInfoList).toEqual(werun.stepInfoList);
    expect(made).toBe(2);
    expect(wx.logins).toBe(2);
  });

  it('the getPhoneNumber code needs no session_key: a rotated key costs no re-login', async () => {
    const wx = fakeWx(h.simulator.url);
    const client = clientFor(h, wx);
    await client.login();
    await rotateKeyElsewhere(wx);
    const minted = await call(h.simulator.url, 'POST', '/control/phone-codes', {
      json: { openid: wx.openid, phoneNumber: PHONE.purePhoneNumber },
    });

    expect(
      await client.getPhoneNumber({ errMsg: 'getPhoneNumber:ok', code: minted.body.code, encryptedData: 'ignored', iv: 'ignored' }),
    ).toEqual(PHONE);
    expect(wx.logins).toBe(1);
    expect(wx.count('POST /api/me/phone')).toBe(1);
  });

  it('a declined phone button rejects with PHONE_DENIED and sends nothing', async () => {
    const wx = fakeWx(h.simulator.url);
    const client = clientFor(h, wx);
    const error = await client.getPhoneNumber({ errMsg: 'getPhoneNumber:fail user deny' }).catch((e: unknown) => e);
    expect((error as AuthClientError).code).toBe('PHONE_DENIED');
    expect(wx.requests).toEqual([]);
  });
});
