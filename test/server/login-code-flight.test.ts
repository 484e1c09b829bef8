import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { call, injectFault, type JsonResponse, mintCode, useHarness, wechatCalls } from '../support/harness.js';

/** A login code in flight serves its own client only: the device that double-tapped, not another holding the code. */
// X-Forwarded-For is believed, so each request can come from an address of its own.
const h = useHarness({ TRUST_PROXY: 'true' });

interface Client {
  ip: string;
  userAgent: string;
}

const PHONE: Client = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (iPhone) MicroMessenger/8.0.50' };

function login(code: string, client: Client): Promise<JsonResponse> {
  return call(h.server.url, 'POST', '/api/auth/login', {
    json: { code },
    headers: { 'x-forwarded-for': client.ip, 'user-agent': client.userAgent },
  });
}

/** Waits (bounded) until WeChat has received `count` code exchanges in all: one is then in flight. */
async function untilExchanges(count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await wechatCalls(h.simulator.url, 'jscode2session')) < count && Date.now() < deadline) await sleep(10);
}

/** `owner` logs in with a fresh code that WeChat holds for a moment; `second` sends the same code meanwhile. */
async function codeInFlight(
  owner: Client,
  second: Client,
): Promise<{ owned: JsonResponse; other: JsonResponse; exchanges: number; sessions: number }> {
  const minted = await mintCode(h.simulator.url);
  const exchangesBefore = await wechatCalls(h.simulator.url, 'jscode2session');
  const sessionsBefore = h.count('sessions');
  await injectFault(h.simulator.url, { api: 'jscode2session', delayMs: 400 });
  const owning = login(minted.code, owner);
  await untilExchanges(exchangesBefore + 1);
  const other = await login(minted.code, second);
  const owned = await owning;
  return {
    owned,
    other,
    exchanges: (await wechatCalls(h.simulator.url, 'jscode2session')) - exchangesBefore,
    sessions: h.count('sessions') - sessionsBefore,
  };
}

describe('a login code in flight', () => {
  it('is shared with a double tap of the same client: one WeChat call, one user, two sessions', async () => {
    const { owned, other, exchanges, sessions } = await codeInFlight(PHONE, { ...PHONE });
    expect([owned.status, other.status]).toEqual([200, 200]);
    expect(other.body.user.id).toBe(owned.body.user.id);
    expect([exchanges, sessions]).toEqual([1, 2]);
  });

  it('gives a client on another IP CODE_USED, no session, and no WeChat call', async () => {
    const { owned, other, exchanges, sessions } = await codeInFlight(PHONE, { ...PHONE, ip: '198.51.100.23' });
    expect(owned.status).toBe(200);
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe('CODE_USED');
    expect(other.body).not.toHaveProperty('accessToken');
    expect([exchanges, sessions]).toEqual([1, 1]);
  });

  it('gives a client with another user agent CODE_USED, no session, and no WeChat call', async () => {
    const { owned, other, exchanges, sessions } = await codeInFlight(PHONE, { ...PHONE, userAgent: 'curl/8.5.0' });
    expect(owned.status).toBe(200);
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe('CODE_USED');
    expect([exchanges, sessions]).toEqual([1, 1]);
  });
});
