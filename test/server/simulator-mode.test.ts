import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { call } from '../support/harness.js';

let dir: string;
let server: RunningServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'weapp-auth-simmode-'));
  server = await startServer(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent' }));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('simulator mode (no WeChat secret, not production)', () => {
  it('mounts the simulator under /sim and sends WeChat calls to it', async () => {
    expect(server.wechatApiBase).toBe(`${server.url}/sim`);
    const minted = await call(server.url, 'POST', '/sim/control/codes', { json: {} });
    expect(minted.status).toBe(200);
    const login = await call(server.url, 'POST', '/api/auth/login', { json: { code: minted.body.code } });
    expect(login.status).toBe(200);
    const me = await call(server.url, 'GET', '/api/me', { token: login.body.accessToken });
    expect(me.body.id).toBe(login.body.user.id);
    const stats = await call(server.url, 'GET', '/sim/control/stats');
    expect(stats.body.calls.jscode2session).toBe(1);
  });

  it('keeps a generated data-encryption key under DATA_DIR, readable by its owner only', () => {
    const path = join(dir, 'data-encryption.key');
    expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(statSync(path).mode & 0o077).toBe(0);
  });

  it('answers health and readiness', async () => {
    expect((await call(server.url, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await call(server.url, 'GET', '/readyz')).body).toEqual({ status: 'ready' });
  });

  it('restarts on the same data: the same signing key, sessions still valid', async () => {
    const minted = await call(server.url, 'POST', '/sim/control/codes', { json: {} });
    const login = await call(server.url, 'POST', '/api/auth/login', { json: { code: minted.body.code } });
    const jwks = (await call(server.url, 'GET', '/.well-known/jwks.json')).body;
    await server.close();
    server = await startServer(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent' }));
    expect((await call(server.url, 'GET', '/.well-known/jwks.json')).body).toEqual(jwks);
    expect((await call(server.url, 'GET', '/api/me', { token: login.body.accessToken })).status).toBe(200);
    const refreshed = await call(server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: login.body.refreshToken } });
    expect(refreshed.status).toBe(200);
  });
});
