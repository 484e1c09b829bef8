import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BACKEND, basicAuth, call, type Harness, harnessesPerTest, injectFault, mintCode, wechatCalls } from '../support/harness.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const started = harnessesPerTest();

/** Two instances on one database and one Redis, both calling the first one's simulator. */
async function fleet(env: Record<string, string> = {}): Promise<[Harness, Harness]> {
  const shared = { REDIS_URL, REDIS_KEY_PREFIX: `test-${randomBytes(6).toString('hex')}:`, ...env };
  const a = await started.start(shared);
  return [a, await started.secondInstance(a, shared, { sameWechat: true })];
}

function login(h: Harness, code: string): ReturnType<typeof call> {
  return call(h.server.url, 'POST', '/api/auth/login', { json: { code } });
}

describe('instances sharing Redis', () => {
  it('exchange a double-tapped code once, whichever instances the taps reach', async () => {
    const [a, b] = await fleet();
    for (let round = 0; round < 5; round += 1) {
      const minted = await mintCode(a.simulator.url);
      const before = await wechatCalls(a.simulator.url, 'jscode2session');
      const [onA, onB] = await Promise.all([login(a, minted.code), login(b, minted.code)]);
      expect([onA?.status, onB?.status]).toEqual([200, 200]);
      expect(onA?.body.user.id).toBe(onB?.body.user.id);
      expect(await wechatCalls(a.simulator.url, 'jscode2session')).toBe(before + 1);
    }
  });

  it('keep a code single-use: sent again after its exchange finished, it is CODE_USED', async () => {
    const [a, b] = await fleet();
    const minted = await mintCode(a.simulator.url);
    expect((await login(a, minted.code)).status).toBe(200);
    const late = await login(b, minted.code);
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('CODE_USED');
  });

  it('share a code in flight only with its own client: another client on another instance gets CODE_USED', async () => {
    const [a, b] = await fleet();
    const minted = await mintCode(a.simulator.url);
    const before = await wechatCalls(a.simulator.url, 'jscode2session');
    const sessionsBefore = a.count('sessions');
    await injectFault(a.simulator.url, { api: 'jscode2session', delayMs: 400 });
    const asClient = (userAgent: string): Parameters<typeof call>[3] => ({
      json: { code: minted.code },
      headers: { 'user-agent': userAgent },
    });
    const owning = call(a.server.url, 'POST', '/api/auth/login', asClient('MicroMessenger/8.0.50 (the phone)'));
    const deadline = Date.now() + 5000;
    while ((await wechatCalls(a.simulator.url, 'jscode2session')) === before && Date.now() < deadline) await sleep(10);
    const other = await call(b.server.url, 'POST', '/api/auth/login', asClient('MicroMessenger/8.0.50 (another phone)'));
    expect((await owning).status).toBe(200);
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe('CODE_USED');
    expect(await wechatCalls(a.simulator.url, 'jscode2session')).toBe(before + 1);
    expect(a.count('sessions')).toBe(sessionsBefore + 1);
  });

  it('share a failed exchange’s error with the other taps', async () => {
    const [a, b] = await fleet();
    await call(a.simulator.url, 'POST', '/control/faults', { json: { api: 'jscode2session', errcode: 40226, delayMs: 200 } });
    const minted = await mintCode(a.simulator.url);
    const answers = await Promise.all([login(a, minted.code), login(b, minted.code)]);
    expect(answers.map((r) => r.body.error.code)).toEqual(['USER_BLOCKED', 'USER_BLOCKED']);
    expect(await wechatCalls(a.simulator.url, 'jscode2session')).toBe(1);
  });

  it('hear a logout made on another instance within a second', async () => {
    const [a, b] = await fleet();
    const session = (await login(a, (await mintCode(a.simulator.url)).code)).body;
    // B has verified the token and cached the session as live.
    expect((await call(b.server.url, 'GET', '/api/me', { token: session.accessToken })).status).toBe(200);
    expect((await call(a.server.url, 'POST', '/api/auth/logout', { token: session.accessToken })).status).toBe(204);
    const deadline = Date.now() + 1000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = (await call(b.server.url, 'GET', '/api/me', { token: session.accessToken })).status;
      if (status === 200) await sleep(20);
    }
    expect(status).toBe(401);
  });

  it('revoke the session when a refresh token rotated on one instance is replayed on another', async () => {
    const [a, b] = await fleet({ REFRESH_REUSE_GRACE: '0' });
    const session = (await login(a, (await mintCode(a.simulator.url)).code)).body;
    const rotated = await call(a.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: session.refreshToken } });
    expect(rotated.status).toBe(200);
    const replay = await call(b.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: session.refreshToken } });
    expect(replay.body.error.code).toBe('REFRESH_TOKEN_REUSED');
    expect((await call(a.server.url, 'GET', '/api/me', { token: rotated.body.accessToken })).status).toBe(401);
  });

  it('count the per-IP login limit across instances', async () => {
    const [a, b] = await fleet({ RATE_LIMIT_LOGIN: '3' });
    const statuses: number[] = [];
    for (const h of [a, b, a, b]) statuses.push((await login(h, (await mintCode(a.simulator.url)).code)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('count the per-openid login limit across instances, and answer with Retry-After', async () => {
    const [a, b] = await fleet({ RATE_LIMIT_LOGIN_PER_OPENID: '2' });
    const first = await mintCode(a.simulator.url);
    const answers = [];
    for (const h of [a, b, a]) answers.push(await login(h, (await mintCode(a.simulator.url, { openid: first.openid })).code));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(answers[2]?.body.error.code).toBe('RATE_LIMITED');
    expect(answers[2]?.headers.get('retry-after')).toBe('60');
    // Another user is not affected.
    expect((await login(b, (await mintCode(a.simulator.url)).code)).status).toBe(200);
  });

  it('count the per-openid refresh limit across instances', async () => {
    const [a, b] = await fleet({ RATE_LIMIT_REFRESH_PER_OPENID: '2' });
    let refreshToken = (await login(a, (await mintCode(a.simulator.url)).code)).body.refreshToken;
    const statuses: number[] = [];
    for (const h of [a, b, a]) {
      const answer = await call(h.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken } });
      statuses.push(answer.status);
      if (answer.status === 200) refreshToken = answer.body.refreshToken;
    }
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('count the per-user limit on WeChat-spending routes, and the per-backend introspection limit, across instances', async () => {
    const other = { clientId: 'billing', clientSecret: 'billing-secret-0123456789abcdef012345678' };
    const clients = `${BACKEND.clientId}:${BACKEND.clientSecret},${other.clientId}:${other.clientSecret}`;
    const [a, b] = await fleet({ RATE_LIMIT_WECHAT_PER_USER: '2', RATE_LIMIT_INTROSPECT: '2', INTROSPECTION_CLIENTS: clients });
    const one = (await login(a, (await mintCode(a.simulator.url)).code)).body.accessToken;
    const another = (await login(a, (await mintCode(a.simulator.url)).code)).body.accessToken;
    const statuses = [];
    for (const h of [a, b, a]) statuses.push((await call(h.server.url, 'GET', '/api/wechat/session-key', { token: one })).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await call(b.server.url, 'GET', '/api/wechat/session-key', { token: another })).status).toBe(200);
    // Reading the profile spends no WeChat quota and is not limited.
    expect((await call(a.server.url, 'GET', '/api/me', { token: one })).status).toBe(200);

    const introspect = (h: Harness, client = BACKEND): Promise<number> =>
      call(h.server.url, 'POST', '/api/auth/introspect', { json: { token: one }, headers: basicAuth(client) }).then(
        (answer) => answer.status,
      );
    const introspections = [];
    for (const h of [a, b, a]) introspections.push(await introspect(h));
    expect(introspections).toEqual([200, 200, 429]);
    // Another backend keeps its own allowance, on either instance.
    expect([await introspect(b, other), await introspect(a, other)]).toEqual([200, 200]);
  });
});
