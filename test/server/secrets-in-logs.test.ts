import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { APP_A, APP_B, call, injectFault, loginAs, mintCode, useHarness } from '../support/harness.js';

const METRICS_TOKEN = `metrics-${randomBytes(16).toString('hex')}`;
const DATA_ENCRYPTION_KEY = randomBytes(32).toString('base64');

const h = useHarness({ LOG_LEVEL: 'trace', METRICS_TOKEN, DATA_ENCRYPTION_KEY });

describe('a full run at trace level', () => {
  it('never writes a session_key, the AppSecret, a code, a token or a private key to the log', async () => {
    const secrets: string[] = [APP_A.secret];
    const first = await loginAs(h);
    secrets.push(first.minted.sessionKey, first.minted.code, first.response.body.refreshToken, first.response.body.accessToken);
    const rotated = await call(h.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: first.response.body.refreshToken } });
    secrets.push(rotated.body.refreshToken, rotated.body.accessToken);
    await call(h.server.url, 'GET', '/api/me', { token: rotated.body.accessToken });
    await call(h.server.url, 'PATCH', '/api/me', { token: rotated.body.accessToken, json: { nickname: 'n' } });
    // Failures log more than successes: a WeChat error, an expired-token request, a bad body.
    const failing = await mintCode(h.simulator.url);
    secrets.push(failing.code, failing.sessionKey);
    await injectFault(h.simulator.url, { api: 'jscode2session', errcode: -1, times: 3 });
    await call(h.server.url, 'POST', '/api/auth/login', { json: { code: failing.code } });
    await call(h.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: `${first.response.body.refreshToken}x` } });
    await call(h.server.url, 'POST', '/api/auth/logout', { token: rotated.body.accessToken });
    await call(h.server.url, 'GET', '/api/me', { token: rotated.body.accessToken });

    const log = h.logs.join('\n');
    expect(h.logs.length).toBeGreaterThan(20);
    expect(log).toContain('wechat call');
    expect(log).toContain('/api/auth/login');
    for (const secret of secrets) expect(log).not.toContain(secret);
    // The refresh token's secret half alone must not appear either.
    expect(log).not.toContain(first.response.body.refreshToken.split('.')[1]);
    // Private JWK material: Ed25519 private keys carry "d".
    expect(log).not.toMatch(/"d":"[\w-]{43}"/);
  });

  it('masks a secret WeChat echoes in its errmsg, whatever line carries it', async () => {
    const minted = await mintCode(h.simulator.url);
    // WeChat quoting the request back: the AppSecret and the code, in an errcode that is logged as a warning (502).
    await injectFault(h.simulator.url, {
      api: 'jscode2session',
      errcode: 40013,
      errmsg: `invalid appsecret ${APP_A.secret}, code ${minted.code}`,
    });
    const answer = await call(h.server.url, 'POST', '/api/auth/login', { json: { code: minted.code } });
    expect(answer.body.error.code).toBe('WECHAT_CREDENTIALS_REJECTED');
    const warning = h.logs.find((line) => line.includes('"errorCode":"WECHAT_CREDENTIALS_REJECTED"'));
    expect(warning).toContain('invalid appsecret');
    const log = h.logs.join('\n');
    expect(log).not.toContain(APP_A.secret);
    expect(log).not.toContain(minted.code);
  });

  it('masks every secret value the process holds, wherever it appears, and every query value but a few harmless ones', async () => {
    const stray = randomBytes(20).toString('hex');
    // A client putting a token under a name nobody foresaw; harmless names stay readable.
    await call(h.server.url, 'GET', `/healthz?grant_type=client_credential&appid=${APP_A.appid}&ticket=${stray}`);
    // Known secrets where no name gives them away: under a harmless name, in a path, URL-encoded.
    await call(h.server.url, 'GET', `/healthz?appid=${APP_B.secret}`);
    await call(h.server.url, 'GET', `/nowhere/${METRICS_TOKEN}`);
    await call(h.server.url, 'GET', `/nowhere/${encodeURIComponent(DATA_ENCRYPTION_KEY)}`);

    const log = h.logs.join('\n');
    expect(log).toContain(`/healthz?grant_type=client_credential&appid=${APP_A.appid}&ticket=***`);
    expect(log).toContain('/nowhere/');
    for (const secret of [stray, APP_B.secret, METRICS_TOKEN, DATA_ENCRYPTION_KEY, encodeURIComponent(DATA_ENCRYPTION_KEY)]) {
      expect(log).not.toContain(secret);
    }
  });

  it('never echoes a secret in a response either', async () => {
    const { minted, response } = await loginAs(h);
    const text = JSON.stringify(response.body);
    expect(text).not.toContain(minted.sessionKey);
    expect(text).not.toContain(minted.openid);
    expect(text).not.toContain(APP_A.secret);
  });
});
