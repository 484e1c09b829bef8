import { createServer as createHttpServer } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthClientError } from '../../src/client/index.js';
import { injectFault, useHarness } from '../support/harness.js';
import { unusedPort } from '../support/ports.js';
import { rejectionOf } from '../support/rejection.js';
import { fakeWx } from './fake-wx.js';
import { clientFor, parallel, STORAGE_KEY } from './helpers.js';

const h = useHarness();
let deadUrl: string;

beforeAll(async () => {
  deadUrl = `http://127.0.0.1:${await unusedPort()}`;
});

function rejection(promise: Promise<unknown>): Promise<AuthClientError> {
  return rejectionOf(promise, AuthClientError);
}

describe('client SDK failures end in one clear error, never a loop', () => {
  it('server down before any login: NETWORK_ERROR naming the URL, after one wx.login and one attempt', async () => {
    const wx = fakeWx(h.simulator.url);
    const client = clientFor(h, wx, { baseUrl: deadUrl });
    const errors = await Promise.all([1, 2, 3].map(() => rejection(client.request({ url: '/api/me' }))));
    expect(errors.map((e) => e.code)).toEqual(['NETWORK_ERROR', 'NETWORK_ERROR', 'NETWORK_ERROR']);
    expect(errors[0]!.message).toContain(`${deadUrl}/api/auth/login`);
    expect(errors[1]).toBe(errors[0]); // the one failed login, shared
    expect(wx.logins).toBe(1);
    expect(wx.requests).toEqual(['POST /api/auth/login']);
  });

  it('server down with expired tokens: the refresh fails with NETWORK_ERROR, the tokens stay, no wx.login', async () => {
    const wx = fakeWx(h.simulator.url);
    await clientFor(h, wx).login();
    const offline = clientFor(h, wx, { baseUrl: deadUrl, now: () => Date.now() + 3_600_000 });
    expect((await rejection(offline.request({ url: '/api/me' }))).code).toBe('NETWORK_ERROR');
    expect(wx.logins).toBe(1);
    expect(wx.count('POST /api/auth/refresh')).toBe(1);
    expect(wx.storage.has(STORAGE_KEY)).toBe(true);
  });

  it('a failed login rejects every waiting request with the same error, and the next request tries again', async () => {
    await injectFault(h.simulator.url, { api: 'jscode2session', errcode: 40226 }); // WeChat: high-risk user
    const wx = fakeWx(h.simulator.url);
    const client = clientFor(h, wx);
    const errors = await Promise.all(Array.from({ length: 12 }, () => rejection(client.request({ url: '/api/me' }))));
    expect(new Set(errors).size).toBe(1);
    expect(errors[0]!.code).toBe('USER_BLOCKED');
    expect(errors[0]!.statusCode).toBe(403);
    expect(errors[0]!.requestId).toEqual(expect.any(String));
    expect(wx.logins).toBe(1);
    expect(wx.count('POST /api/auth/login')).toBe(1);

    await client.request({ url: '/api/me' });
    expect(wx.logins).toBe(2);
  });

  it('a backend that keeps refusing the token gets one re-login and one retry, then the request is rejected', async () => {
    // The app's own backend (e.g. a verifier configured with the wrong appid) answers TOKEN_INVALID to every token.
    let hits = 0;
    const backend = createHttpServer((_request, response) => {
      hits += 1;
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'TOKEN_INVALID', message: 'wrong audience' } }));
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(backend.address() as { port: number }).port}`;
      const wx = fakeWx(h.simulator.url);
      const client = clientFor(h, wx, { trustedOrigins: [origin] });
      await client.login();
      const url = `${origin}/orders`;
      const error = await rejection(client.request({ url }));
      expect(error.code).toBe('TOKEN_INVALID');
      expect(hits).toBe(2);
      expect(wx.logins).toBe(2);
    } finally {
      await new Promise((resolve) => backend.close(resolve));
    }
  });

  it('non-auth errors pass through with the server code and are not retried', async () => {
    const wx = fakeWx(h.simulator.url);
    const client = clientFor(h, wx);
    await client.login();
    const error = await rejection(client.request({ url: '/api/me/phone', method: 'POST', data: { code: 'not-a-phone-code' } }));
    expect(error.code).toMatch(/^(INVALID_PHONE_CODE|PHONE_CODE_IS_LOGIN_CODE)$/);
    expect(error.statusCode).toBe(400);
    expect(wx.count('POST /api/me/phone')).toBe(1);
  });

  it('a login button tapped while requests are logging in joins their login', async () => {
    const wx = fakeWx(h.simulator.url);
    const client = clientFor(h, wx);
    const [login] = await Promise.all([client.login(), ...Array.from({ length: 5 }, () => client.request({ url: '/api/me' }))]);
    expect(login.isNewUser).toBe(true);
    expect(wx.logins).toBe(1);
  });
});

describe("wx.request's limit of 10 concurrent requests", () => {
  it('30 parallel requests never have more than 10 in flight, and all succeed', async () => {
    const wx = fakeWx(h.simulator.url, { delayMs: 20 });
    const client = clientFor(h, wx);
    await client.login();
    const results = await parallel(30, () => client.request({ url: '/api/me' }));
    expect(results).toHaveLength(30);
    expect(wx.maxInFlight).toBe(10);
  });

  it('maxConcurrentRequests leaves room for the app’s own wx.request calls', async () => {
    const wx = fakeWx(h.simulator.url, { delayMs: 20 });
    const client = clientFor(h, wx, { maxConcurrentRequests: 4 });
    await parallel(12, () => client.request({ url: '/api/me' }));
    expect(wx.maxInFlight).toBe(4);
  });
});
