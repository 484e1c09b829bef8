import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, loginAs, startHarness, type Harness } from '../support/harness.js';

let h: Harness;
let token: string;
beforeAll(async () => {
  h = await startHarness();
  token = (await loginAs(h)).response.body.accessToken;
});
afterAll(async () => h.close());

describe('GET /api/me', () => {
  it('shows exactly the public fields: nothing about openids, session keys or tokens', async () => {
    const response = await call(h.server.url, 'GET', '/api/me', { token });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['avatarUrl', 'createdAt', 'id', 'nickname', 'phone', 'phoneBound', 'updatedAt']);
    expect(response.body.phoneBound).toBe(false);
    expect(response.body.phone).toBeNull();
  });
});

describe('PATCH /api/me', () => {
  it('updates nickname and avatar, trimming the nickname, and GET shows them', async () => {
    const response = await call(h.server.url, 'PATCH', '/api/me', {
      token,
      json: { nickname: '  小明 ', avatarUrl: 'https://cdn.example.com/a/1.png' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ nickname: '小明', avatarUrl: 'https://cdn.example.com/a/1.png' });
    expect(Date.parse(response.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(response.body.createdAt));
    expect((await call(h.server.url, 'GET', '/api/me', { token })).body.nickname).toBe('小明');
  });

  it('clears a field set to null and leaves unnamed fields alone', async () => {
    await call(h.server.url, 'PATCH', '/api/me', { token, json: { nickname: 'Keep', avatarUrl: 'https://cdn.example.com/x.png' } });
    const response = await call(h.server.url, 'PATCH', '/api/me', { token, json: { avatarUrl: null } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ nickname: 'Keep', avatarUrl: null });
  });

  const invalid: [string, unknown][] = [
    ['an empty body', {}],
    ['an unknown field', { nickname: 'a', admin: true }],
    ['a blank nickname', { nickname: '   ' }],
    ['a nickname over 32 characters', { nickname: '字'.repeat(33) }],
    ['a nickname with control characters', { nickname: 'a\u0007b' }],
    ['a nickname of the wrong type', { nickname: 42 }],
    ['the temporary chooseAvatar path', { avatarUrl: 'wxfile://tmp_abc.jpg' }],
    ['a plain-http avatar', { avatarUrl: 'http://tmp/abc.jpg' }],
    ['a javascript: avatar', { avatarUrl: 'javascript:alert(1)' }],
    ['not a URL', { avatarUrl: 'not a url' }],
    ['an avatar URL over 1024 characters', { avatarUrl: `https://cdn.example.com/${'a'.repeat(1100)}` }],
  ];
  for (const [name, json] of invalid) {
    it(`rejects ${name} with 400 VALIDATION_FAILED and changes nothing`, async () => {
      const before = (await call(h.server.url, 'GET', '/api/me', { token })).body;
      const response = await call(h.server.url, 'PATCH', '/api/me', { token, json });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
      expect((await call(h.server.url, 'GET', '/api/me', { token })).body).toEqual(before);
    });
  }

  it('needs a token', async () => {
    const response = await call(h.server.url, 'PATCH', '/api/me', { json: { nickname: 'x' } });
    expect(response.status).toBe(401);
  });

  it('is also PUT, since wx.request cannot send PATCH', async () => {
    const response = await call(h.server.url, 'PUT', '/api/me', { token, json: { nickname: 'Via PUT' } });
    expect(response.status).toBe(200);
    expect(response.body.nickname).toBe('Via PUT');
    expect((await call(h.server.url, 'PUT', '/api/me', { token, json: { nickname: 7 } })).status).toBe(400);
  });
});

describe('the profile cache behind GET /api/me', () => {
  it('shows a change made through this instance at once, and one made elsewhere within a second', async () => {
    const own = await loginAs(h);
    const ownToken = own.response.body.accessToken;
    expect((await call(h.server.url, 'GET', '/api/me', { token: ownToken })).body.nickname).toBeNull();
    await call(h.server.url, 'PATCH', '/api/me', { token: ownToken, json: { nickname: 'Now' } });
    expect((await call(h.server.url, 'GET', '/api/me', { token: ownToken })).body.nickname).toBe('Now');

    // A second instance on the same database changes the profile: this one sees it once its cached copy ages out.
    const other = await startHarness({ DATA_DIR: h.config.dataDir });
    try {
      const otherLogin = (await loginAs(other, { openid: own.minted.openid })).response.body;
      expect(otherLogin.user.id).toBe(own.response.body.user.id);
      expect((await call(other.server.url, 'PATCH', '/api/me', { token: otherLogin.accessToken, json: { nickname: 'Elsewhere' } })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await call(h.server.url, 'GET', '/api/me', { token: ownToken })).body.nickname).toBe('Elsewhere');
    } finally {
      await other.close();
    }
  });
});
