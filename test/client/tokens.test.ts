import { describe, expect, it } from 'vitest';
import type { User } from '../../src/client/index.js';
import { useHarness, wechatCalls } from '../support/harness.js';
import { fakeWx } from './fake-wx.js';
import { clientFor, parallel, revokeStoredSession, STORAGE_KEY } from './helpers.js';

const ACCESS_TTL = 900;
const h = useHarness();

describe('client SDK tokens against a running server', () => {
  it('logs in on the first request, stores the tokens, and a relaunch reuses them without wx.login', async () => {
    const exchangesBefore = await wechatCalls(h.simulator.url, 'jscode2session');
    const wx = fakeWx(h.simulator.url);
    const me = await clientFor(h, wx).request<User>({ url: '/api/me' });
    expect(me.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(wx.logins).toBe(1);
    expect(await wechatCalls(h.simulator.url, 'jscode2session')).toBe(exchangesBefore + 1);
    expect(wx.storage.get(STORAGE_KEY)).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) });

    const relaunched = clientFor(h, wx);
    expect(relaunched.isLoggedIn()).toBe(true);
    expect((await relaunched.request<User>({ url: '/api/me' })).id).toBe(me.id);
    expect(wx.logins).toBe(1);
  });

  it('20 parallel requests after the access token expired: one refresh, every request succeeds', async () => {
    const wx = fakeWx(h.simulator.url);
    const client = clientFor(h, wx);
    const { user } = await client.login();
    h.advance(ACCESS_TTL + 1);

    const results = await parallel(20, () => client.request<User>({ url: '/api/me' }));
    expect(results.map((r) => r.id)).toEqual(Array(20).fill(user.id));
    expect(wx.count('POST /api/auth/refresh')).toBe(1);
    expect(wx.logins).toBe(1);
    // Some went out with the expired token and were retried once.
    expect(wx.count('GET /api/me')).toBeGreaterThan(20);
    expect(wx.count('GET /api/me')).toBeLessThanOrEqual(40);
  });

  it('refreshes ahead of expiry from the stored expiresIn, so no request meets a 401', async () => {
    let offset = 0;
    const wx = fakeWx(h.simulator.url);
    const client = clientFor(h, wx, { now: () => Date.now() + offset });
    await client.login();
    offset = (ACCESS_TTL - 30) * 1000; // inside the default 60 s leeway
    await parallel(5, () => client.request({ url: '/api/me' }));
    expect(wx.count('POST /api/auth/refresh')).toBe(1);
    expect(wx.count('GET /api/me')).toBe(5);
  });

  it('refresh token revoked: 20 parallel requests after expiry make one refresh attempt and one new wx.login', async () => {
    const wx = fakeWx(h.simulator.url);
    const client = clientFor(h, wx);
    const first = await client.login();
    await revokeStoredSession(h, wx);
    h.advance(ACCESS_TTL + 1);
    const exchangesBefore = await wechatCalls(h.simulator.url, 'jscode2session');

    const results = await parallel(20, () => client.request<User>({ url: '/api/me' }));
    expect(new Set(results.map((r) => r.id))).toEqual(new Set([first.user.id])); // the same WeChat user
    expect(wx.count('POST /api/auth/refresh')).toBe(1);
    expect(wx.logins).toBe(2);
    expect(await wechatCalls(h.simulator.url, 'jscode2session')).toBe(exchangesBefore + 1);
  });

  it('a session revoked while its access token is valid: one wx.login, no refresh', async () => {
    const wx = fakeWx(h.simulator.url);
    const client = clientFor(h, wx);
    await client.login();
    await revokeStoredSession(h, wx);
    await parallel(8, () => client.request({ url: '/api/me' }));
    expect(wx.logins).toBe(2);
    expect(wx.count('POST /api/auth/refresh')).toBe(0);
  });

  it('logout ends the session on the server and forgets the tokens', async () => {
    const wx = fakeWx(h.simulator.url);
    const client = clientFor(h, wx);
    await client.login();
    const token = (wx.storage.get(STORAGE_KEY) as { accessToken: string }).accessToken;
    await client.logout();
    expect(client.isLoggedIn()).toBe(false);
    expect(wx.storage.has(STORAGE_KEY)).toBe(false);
    const after = await fetch(`${h.server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('SESSION_REVOKED');
  });
});

describe.each([30, 60])('client SDK against a server with ACCESS_TOKEN_TTL=%i', (ttl) => {
  const short = useHarness({ ACCESS_TOKEN_TTL: String(ttl) });

  it('does not refresh before every request: early refresh takes the last quarter of the lifetime at most', async () => {
    let offset = 0;
    const wx = fakeWx(short.simulator.url);
    const client = clientFor(short, wx, { now: () => Date.now() + offset });
    await client.login();
    for (let i = 0; i < 5; i += 1) await client.request({ url: '/api/me' });
    offset = ttl * 0.7 * 1000;
    await client.request({ url: '/api/me' });
    expect(wx.count('POST /api/auth/refresh')).toBe(0);

    offset = ttl * 0.8 * 1000; // inside the last quarter: refreshed ahead of expiry, then quiet again
    for (let i = 0; i < 5; i += 1) await client.request({ url: '/api/me' });
    expect(wx.count('POST /api/auth/refresh')).toBe(1);
    expect(wx.count('GET /api/me')).toBe(11);
  });
});
