import { describe, expect, it } from 'vitest';
import { WeappAuthError } from '../../src/index.js';
import { useEmbeddedServer } from '../support/embedded-server.js';
import { call } from '../support/harness.js';

const SHOP = 'wx00000000000000a1';
const OTHER = 'wx00000000000000b2';

// Two apps in simulator mode: the simulator knows both and mints codes for either.
const embedded = useEmbeddedServer(
  { WECHAT_APPS: `${SHOP},${OTHER}`, WECHAT_SIMULATOR: 'true' },
  {
    routes: async (app) => {
      app.get('/api/orders', { preHandler: app.authenticate }, async (request) => ({
        owner: request.auth?.userId,
        appid: request.auth?.appid,
      }));
      app.get('/api/shop/cart', { preHandler: app.authenticateApp(SHOP) }, async (request) => ({ owner: request.auth?.userId }));
      app.post('/api/notes', async (request) => ({ received: request.body }));
      app.get('/api/catalog', async (_request, reply) => reply.header('cache-control', 'public, max-age=60').send({ items: [] }));
      app.get('/api/teapot', async () => {
        throw new WeappAuthError('VALIDATION_FAILED', 'operators throw our errors too');
      });
    },
  },
);

async function loginTo(appid: string): Promise<{ accessToken: string; user: { id: string } }> {
  const minted = await call(embedded.server.url, 'POST', '/sim/control/codes', { json: { appid } });
  return (await call(embedded.server.url, 'POST', '/api/auth/login', { json: { code: minted.body.code, appid } })).body;
}

describe('routes an operator adds', () => {
  it('are guarded by app.authenticate and see who is calling', async () => {
    const denied = await call(embedded.server.url, 'GET', '/api/orders');
    expect(denied.status).toBe(401);
    expect(denied.body.error.code).toBe('TOKEN_MISSING');

    const minted = await call(embedded.server.url, 'POST', '/sim/control/codes', { json: {} });
    const login = await call(embedded.server.url, 'POST', '/api/auth/login', { json: { code: minted.body.code } });
    const allowed = await call(embedded.server.url, 'GET', '/api/orders', { token: login.body.accessToken });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toEqual({ owner: login.body.user.id, appid: SHOP });

    await call(embedded.server.url, 'POST', '/api/auth/logout', { token: login.body.accessToken });
    expect((await call(embedded.server.url, 'GET', '/api/orders', { token: login.body.accessToken })).body.error.code).toBe(
      'SESSION_REVOKED',
    );
  });

  it('take a token of any app the server serves with app.authenticate, and of one app with app.authenticateApp', async () => {
    const shop = await loginTo(SHOP);
    const other = await loginTo(OTHER);
    expect((await call(embedded.server.url, 'GET', '/api/orders', { token: other.accessToken })).body).toEqual({
      owner: other.user.id,
      appid: OTHER,
    });
    expect((await call(embedded.server.url, 'GET', '/api/shop/cart', { token: shop.accessToken })).body).toEqual({ owner: shop.user.id });
    const refused = await call(embedded.server.url, 'GET', '/api/shop/cart', { token: other.accessToken });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('TOKEN_INVALID');
    expect(refused.body.error.message).toContain(SHOP);
    expect((await call(embedded.server.url, 'GET', '/api/shop/cart')).body.error.code).toBe('TOKEN_MISSING');
  });

  it('cannot be guarded for an app the server does not serve: a typo fails when the route is built', () => {
    expect(() => embedded.server.app.authenticateApp('wx0000000000000bad')).toThrow(/wx0000000000000bad is not an app this server serves/);
  });

  it('take JSON bodies only, and answer no-store under /api unless they set their own Cache-Control', async () => {
    const notes = await call(embedded.server.url, 'POST', '/api/notes', { json: { text: 'hi' } });
    expect(notes.body).toEqual({ received: { text: 'hi' } });
    expect(notes.headers.get('cache-control')).toBe('no-store');
    const plain = await call(embedded.server.url, 'POST', '/api/notes', { raw: 'hi', headers: { 'content-type': 'text/plain' } });
    expect(plain.status).toBe(415);
    expect(plain.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await call(embedded.server.url, 'GET', '/api/catalog')).headers.get('cache-control')).toBe('public, max-age=60');
  });

  it('answer their errors in the same shape', async () => {
    const response = await call(embedded.server.url, 'GET', '/api/teapot');
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'operators throw our errors too' });
  });
});
