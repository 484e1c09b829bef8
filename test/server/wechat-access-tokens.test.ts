import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call, type Harness, harnessesPerTest, injectFault, loginAs, startHarness, wechatCalls } from '../support/harness.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const { start: harness } = harnessesPerTest();

/** Logs a new user in on `h` (WeChat calls going to `simulatorUrl`) and mints a phone code for them. */
async function userWithPhoneCode(h: Harness, simulatorUrl = h.simulator.url): Promise<{ token: string; code: string }> {
  const minted = await call(simulatorUrl, 'POST', '/control/codes', { json: { appid: 'wx00000000000000a1' } });
  const login = await call(h.server.url, 'POST', '/api/auth/login', { json: { code: minted.body.code } });
  expect(login.status).toBe(200);
  const phone = await call(simulatorUrl, 'POST', '/control/phone-codes', {
    json: { appid: 'wx00000000000000a1', openid: minted.body.openid, phoneNumber: '13800138000' },
  });
  return { token: login.body.accessToken, code: phone.body.code };
}

function lookUpPhone(h: Harness, user: { token: string; code: string }): Promise<Awaited<ReturnType<typeof call>>> {
  return call(h.server.url, 'POST', '/api/me/phone', { token: user.token, json: { code: user.code } });
}

describe('access tokens for server-to-WeChat calls', () => {
  it('200 concurrent phone lookups from a cold start cost one token fetch', async () => {
    const h = await harness();
    const users = await Promise.all(Array.from({ length: 200 }, () => userWithPhoneCode(h)));
    const responses = await Promise.all(users.map((user) => lookUpPhone(h, user)));
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    expect(await wechatCalls(h.simulator.url, 'stable_token')).toBe(1);
    expect(await wechatCalls(h.simulator.url, 'token')).toBe(0);
    expect(await wechatCalls(h.simulator.url, 'getuserphonenumber')).toBe(200);
  });

  it('recovers from a 40001 with exactly one refetch and one retry', async () => {
    const h = await harness();
    expect((await lookUpPhone(h, await userWithPhoneCode(h))).status).toBe(200);
    expect(await wechatCalls(h.simulator.url, 'stable_token')).toBe(1);

    await injectFault(h.simulator.url, { api: 'getuserphonenumber', errcode: 40001, times: 1 });
    const response = await lookUpPhone(h, await userWithPhoneCode(h));
    expect(response.status).toBe(200);
    expect(await wechatCalls(h.simulator.url, 'stable_token')).toBe(2);
    expect(await wechatCalls(h.simulator.url, 'getuserphonenumber')).toBe(3);
  });

  it('gives up after the one retry when WeChat keeps rejecting the token', async () => {
    const h = await harness();
    await injectFault(h.simulator.url, { api: 'getuserphonenumber', errcode: 42001, times: 2 });
    const response = await lookUpPhone(h, await userWithPhoneCode(h));
    expect(response.status).toBe(502);
    expect(response.body.error.code).toBe('WECHAT_BAD_RESPONSE');
    expect(await wechatCalls(h.simulator.url, 'getuserphonenumber')).toBe(2);
  });

  it('fetches again when the cached token nears its end, and uses /cgi-bin/token when told to', async () => {
    const h = await harness({ WECHAT_TOKEN_SOURCE: 'plain' });
    expect((await lookUpPhone(h, await userWithPhoneCode(h))).status).toBe(200);
    expect((await lookUpPhone(h, await userWithPhoneCode(h))).status).toBe(200);
    expect(await wechatCalls(h.simulator.url, 'token')).toBe(1);
    // 7200 s tokens are replaced with 5 minutes to spare: both clocks move to 6,960 s later.
    h.advance(6960);
    await call(h.simulator.url, 'POST', '/control/clock', { json: { advanceSeconds: 6960 } });
    expect((await lookUpPhone(h, await userWithPhoneCode(h))).status).toBe(200);
    expect(await wechatCalls(h.simulator.url, 'token')).toBe(2);
    expect(await wechatCalls(h.simulator.url, 'stable_token')).toBe(0);
  });

  it('maps a failing token fetch to the WeChat error statuses', async () => {
    const h = await harness();
    await injectFault(h.simulator.url, { api: 'stable_token', errcode: -1, times: 3 });
    const response = await lookUpPhone(h, await userWithPhoneCode(h));
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('WECHAT_UNAVAILABLE');
  });
});

describe('a fleet sharing Redis', () => {
  it('fetches one token for several instances under concurrent load', async () => {
    const prefix = `test-${randomBytes(6).toString('hex')}:`;
    const a = await harness({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
    const b = await harness({ REDIS_URL, REDIS_KEY_PREFIX: prefix, WECHAT_API_BASE: a.simulator.url });
    const users = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const instance = i % 2 === 0 ? a : b;
        return { instance, user: await userWithPhoneCode(instance, a.simulator.url) };
      }),
    );
    const responses = await Promise.all(users.map(({ instance, user }) => lookUpPhone(instance, user)));
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(await wechatCalls(a.simulator.url, 'stable_token')).toBe(1);
  });

  it('lets a read-only instance use the token a fetching instance stored, and never fetch one itself', async () => {
    const prefix = `test-${randomBytes(6).toString('hex')}:`;
    const fetcher = await harness({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
    const reader = await harness({
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      WECHAT_TOKEN_MODE: 'read-only',
      WECHAT_API_BASE: fetcher.simulator.url,
    });

    const early = await lookUpPhone(reader, await userWithPhoneCode(reader, fetcher.simulator.url));
    expect(early.status).toBe(503);
    expect(early.body.error.code).toBe('WECHAT_UNAVAILABLE');
    expect(early.body.error.message).toContain('only read');

    expect((await lookUpPhone(fetcher, await userWithPhoneCode(fetcher))).status).toBe(200);
    expect((await lookUpPhone(reader, await userWithPhoneCode(reader, fetcher.simulator.url))).status).toBe(200);
    expect(await wechatCalls(fetcher.simulator.url, 'stable_token')).toBe(1);
  });

  it('refuses read-only mode without Redis at start', async () => {
    await expect(startHarness({ WECHAT_TOKEN_MODE: 'read-only' })).rejects.toThrow(/WECHAT_TOKEN_MODE=read-only needs REDIS_URL/);
  });
});

describe('login is untouched by access-token trouble', () => {
  it('logs in while token fetches fail: code2Session needs no access token', async () => {
    const h = await harness();
    await injectFault(h.simulator.url, { api: 'stable_token', errcode: -1, times: 5 });
    expect((await loginAs(h)).response.status).toBe(200);
  });
});
