import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startServer, WeappAuthError, type RunningServer } from '../../src/index.js';
import { call } from '../support/harness.js';

let dir: string;
let server: RunningServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'weapp-auth-routes-'));
  server = await startServer(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent' }), {
    routes: async (app) => {
      app.get('/api/orders', { preHandler: app.authenticate }, async (request) => ({ owner: request.auth?.userId }));
      app.get('/api/teapot', async () => {
        throw new WeappAuthError('VALIDATION_FAILED', 'operators throw our errors too');
      });
    },
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('routes an operator adds', () => {
  it('are guarded by app.authenticate and see who is calling', async () => {
    const denied = await call(server.url, 'GET', '/api/orders');
    expect(denied.status).toBe(401);
    expect(denied.body.error.code).toBe('TOKEN_MISSING');

    const minted = await call(server.url, 'POST', '/sim/control/codes', { json: {} });
    const login = await call(server.url, 'POST', '/api/auth/login', { json: { code: minted.body.code } });
    const allowed = await call(server.url, 'GET', '/api/orders', { token: login.body.accessToken });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toEqual({ owner: login.body.user.id });

    await call(server.url, 'POST', '/api/auth/logout', { token: login.body.accessToken });
    expect((await call(server.url, 'GET', '/api/orders', { token: login.body.accessToken })).body.error.code).toBe('SESSION_REVOKED');
  });

  it('answer their errors in the same shape', async () => {
    const response = await call(server.url, 'GET', '/api/teapot');
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'operators throw our errors too' });
  });
});
