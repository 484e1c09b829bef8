import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIMULATOR_APP, startSimulator } from '../../src/providers/wechat/simulator/index.js';
import { startEmbeddedServer, useEmbeddedServer } from '../support/embedded-server.js';
import { call, logInto } from '../support/harness.js';
import { unusedPort } from '../support/ports.js';

// The embedded default (SQLite in DATA_DIR, the simulator under /sim): engine-independent, so it runs once.
const embedded = useEmbeddedServer();

describe('simulator mode (no WeChat secret, not production)', () => {
  it('mounts the simulator under /sim and sends WeChat calls to it', async () => {
    const { server } = embedded;
    // Its own loopback listener, started before the services were built: they knew where WeChat was from the start.
    expect(server.wechatApiBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.wechatApiBase).not.toBe(server.url);
    const minted = await call(server.url, 'POST', '/sim/control/codes', { json: {} });
    expect(minted.status).toBe(200);
    const login = await call(server.url, 'POST', '/api/auth/login', { json: { code: minted.body.code } });
    expect(login.status).toBe(200);
    const me = await call(server.url, 'GET', '/api/me', { token: login.body.accessToken });
    expect(me.body.id).toBe(login.body.user.id);
    const stats = await call(server.url, 'GET', '/sim/control/stats');
    expect(stats.body.calls.jscode2session).toBe(1);
    // One simulator behind both: the listener saw the same call.
    expect((await call(server.wechatApiBase, 'GET', '/control/stats')).body).toEqual(stats.body);
  });

  it('gives the apps secrets of its own, not the simulator’s well-known one', () => {
    const { server } = embedded;
    expect(server.apps.map((app) => app.appid)).toEqual([DEFAULT_SIMULATOR_APP.appid]);
    expect(server.apps[0]?.secret).toMatch(/^[0-9a-f]{32}$/);
    expect(server.apps[0]?.secret).not.toBe(DEFAULT_SIMULATOR_APP.secret);
  });

  it('keeps a generated data-encryption key under DATA_DIR, readable by its owner only', () => {
    const path = join(embedded.dataDir, 'data-encryption.key');
    expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(statSync(path).mode & 0o077).toBe(0);
  });

  it('answers health and readiness', async () => {
    expect((await call(embedded.server.url, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await call(embedded.server.url, 'GET', '/readyz')).body).toEqual({ status: 'ready' });
  });

  it('restarts on the same data: the same signing key, sessions still valid', async () => {
    const minted = await call(embedded.server.url, 'POST', '/sim/control/codes', { json: {} });
    const login = await call(embedded.server.url, 'POST', '/api/auth/login', { json: { code: minted.body.code } });
    const jwks = (await call(embedded.server.url, 'GET', '/.well-known/jwks.json')).body;
    const before = embedded.server;
    await embedded.restart();
    // Closing the server closed its simulator's listener too; the new start made new secrets.
    await expect(fetch(`${before.wechatApiBase}/control/stats`)).rejects.toThrow();
    expect(embedded.server.apps[0]?.secret).not.toBe(before.apps[0]?.secret);
    expect((await call(embedded.server.url, 'GET', '/.well-known/jwks.json')).body).toEqual(jwks);
    expect((await call(embedded.server.url, 'GET', '/api/me', { token: login.body.accessToken })).status).toBe(200);
    const refreshed = await call(embedded.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: login.body.refreshToken } });
    expect(refreshed.status).toBe(200);
  });
});

describe('simulator mode with WECHAT_API_BASE', () => {
  it('calls the base given, where no well-known secret is accepted for the apps', async () => {
    const standalone = await startSimulator();
    const embedded = await startEmbeddedServer({ WECHAT_API_BASE: standalone.url });
    try {
      expect(embedded.server.wechatApiBase).toBe(standalone.url);
      const minted = await call(standalone.url, 'POST', '/control/codes', { json: {} });
      const login = await call(embedded.server.url, 'POST', '/api/auth/login', { json: { code: minted.body.code } });
      expect(login.body.error.code).toBe('WECHAT_CREDENTIALS_REJECTED');
      expect((await call(standalone.url, 'GET', '/control/stats')).body.calls.jscode2session).toBe(1);
    } finally {
      await embedded.close();
      await standalone.close();
    }
  });
});

/**
 * WECHAT_API_BASE at the server's own /sim: the one way WeChat's URLs pass through our own request log (by default
 * the server calls its simulator's loopback listener, which logs nothing). It works because /sim is the same
 * simulator, knowing the secrets generated for this start.
 */
describe('simulator mode calling WeChat through its own /sim', () => {
  it('masks secret, js_code, code and access_token in logged URLs', async () => {
    const lines: string[] = [];
    const port = await unusedPort();
    const env = { PORT: String(port), LOG_LEVEL: 'trace', WECHAT_API_BASE: `http://127.0.0.1:${port}/sim` };
    const embedded = await startEmbeddedServer(env, { logDestination: logInto(lines) });
    const { server } = embedded;
    try {
      const minted = (await call(server.url, 'POST', '/sim/control/codes', { json: {} })).body;
      const login = (await call(server.url, 'POST', '/api/auth/login', { json: { code: minted.code } })).body;
      const phoneCode = (
        await call(server.url, 'POST', '/sim/control/phone-codes', { json: { openid: minted.openid, phoneNumber: '13800138000' } })
      ).body.code;
      expect((await call(server.url, 'POST', '/api/me/phone', { token: login.accessToken, json: { code: phoneCode } })).status).toBe(200);
      const payload = (await call(server.url, 'POST', '/sim/control/encrypt', { json: { openid: minted.openid, data: { a: 1 } } })).body;
      expect((await call(server.url, 'POST', '/api/wechat/decrypt', { token: login.accessToken, json: payload })).status).toBe(200);
      expect((await call(server.url, 'GET', '/api/wechat/session-key', { token: login.accessToken })).body.current).toBe(true);

      const log = lines.join('\n');
      expect(log).toContain('/sim/sns/jscode2session?');
      expect(log).toContain('/sim/wxa/business/getuserphonenumber?');
      expect(log).not.toMatch(/[?&](secret|js_code|access_token|signature)=(?!\*\*\*)/);
      for (const secret of [
        server.apps[0]?.secret ?? '',
        minted.code,
        minted.sessionKey,
        phoneCode,
        login.refreshToken,
        login.accessToken,
      ]) {
        expect(secret).not.toBe('');
        expect(log).not.toContain(secret);
      }
    } finally {
      await embedded.close();
    }
  });
});
