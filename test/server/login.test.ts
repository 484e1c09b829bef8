import { describe, expect, it } from 'vitest';
import { APP_A, APP_B, call, loginAs, mintCode, useHarness, wechatCalls } from '../support/harness.js';

const h = useHarness();

describe('POST /api/auth/login', () => {
  it('creates a user on first login and returns tokens and the public user', async () => {
    const { response } = await loginAs(h);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, isNewUser: true });
    expect(response.body.accessToken.split('.')).toHaveLength(3);
    expect(response.body.refreshToken).toMatch(/^[\w-]{22}\.[\w-]{43}$/);
    expect(Object.keys(response.body.user).sort()).toEqual([
      'avatarUrl',
      'createdAt',
      'guest',
      'id',
      'nickname',
      'phone',
      'phoneBound',
      'updatedAt',
    ]);
  });

  it('finds the same user on a later login with a new code', async () => {
    const first = await loginAs(h);
    const second = await loginAs(h, { openid: first.minted.openid });
    expect(second.response.status).toBe(200);
    expect(second.response.body.isNewUser).toBe(false);
    expect(second.response.body.user.id).toBe(first.response.body.user.id);
  });

  it('joins a user of another app with the same unionid, and keeps apps apart without one', async () => {
    const unionid = `oUnion${Date.now()}xxxxxxxxxxxxxxx`.slice(0, 28);
    const inA = await loginAs(h, { appid: APP_A.appid, unionid });
    const inB = await loginAs(h, { appid: APP_B.appid, unionid });
    expect(inB.response.status).toBe(200);
    expect(inB.response.body.isNewUser).toBe(false);
    expect(inB.response.body.user.id).toBe(inA.response.body.user.id);
    expect(inB.minted.openid).not.toBe(inA.minted.openid);

    const loneB = await loginAs(h, { appid: APP_B.appid });
    expect(loneB.response.body.isNewUser).toBe(true);
    expect(loneB.response.body.user.id).not.toBe(inA.response.body.user.id);
  });

  it('issues tokens whose audience is the app logged in to', async () => {
    const { response } = await loginAs(h, { appid: APP_B.appid });
    const payload = JSON.parse(Buffer.from(response.body.accessToken.split('.')[1], 'base64url').toString());
    expect(payload.aud).toBe(APP_B.appid);
    expect(payload.sub).toBe(response.body.user.id);
    expect(payload.iss).toBe('weapp-auth');
  });

  it('makes exactly one user when 50 first logins of one openid race', async () => {
    const openid = `oRace${Date.now()}`.padEnd(28, 'x');
    const codes = [];
    for (let i = 0; i < 50; i += 1) codes.push(await mintCode(h.simulator.url, { openid }));
    const usersBefore = h.count('users');
    const responses = await Promise.all(
      codes.map((minted) => call(h.server.url, 'POST', '/api/auth/login', { json: { code: minted.code } })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(new Set(responses.map((r) => r.body.user.id)).size).toBe(1);
    expect(responses.filter((r) => r.body.isNewUser)).toHaveLength(1);
    expect(h.count('users')).toBe(usersBefore + 1);
  });

  it('answers a double-tapped code with one WeChat call and the same user for both taps', async () => {
    const minted = await mintCode(h.simulator.url);
    const before = await wechatCalls(h.simulator.url, 'jscode2session');
    const [a, b] = await Promise.all([
      call(h.server.url, 'POST', '/api/auth/login', { json: { code: minted.code } }),
      call(h.server.url, 'POST', '/api/auth/login', { json: { code: minted.code } }),
    ]);
    expect([a?.status, b?.status]).toEqual([200, 200]);
    expect(a?.body.user.id).toBe(b?.body.user.id);
    expect(a?.body.refreshToken).not.toBe(b?.body.refreshToken);
    expect(await wechatCalls(h.simulator.url, 'jscode2session')).toBe(before + 1);
  });

  it('rejects a code used before with CODE_USED', async () => {
    const minted = await mintCode(h.simulator.url);
    expect((await call(h.server.url, 'POST', '/api/auth/login', { json: { code: minted.code } })).status).toBe(200);
    const again = await call(h.server.url, 'POST', '/api/auth/login', { json: { code: minted.code } });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('CODE_USED');
  });

  it('rejects an appid the server does not serve', async () => {
    const response = await call(h.server.url, 'POST', '/api/auth/login', { json: { code: 'abc', appid: 'wx0000000000000fff' } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('UNKNOWN_APP');
  });
});
