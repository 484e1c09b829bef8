import { describe, expect, it } from 'vitest';
import { call, harnessesPerTest, injectFault, loginAs, mintCode, useHarness, wechatCalls } from '../support/harness.js';

const h = useHarness({ WECHAT_TIMEOUT_MS: '300' });
const started = harnessesPerTest();

function rows(): Record<string, number> {
  return { users: h.count('users'), accounts: h.count('accounts'), sessions: h.count('sessions'), refresh: h.count('refresh_tokens') };
}

/** Logs in with a fresh code while `fault` is armed and returns the answer, checking nothing was written. */
async function loginDuring(fault: Parameters<typeof injectFault>[1]): Promise<Awaited<ReturnType<typeof call>>> {
  const minted = await mintCode(h.simulator.url);
  await injectFault(h.simulator.url, fault);
  const before = rows();
  const response = await call(h.server.url, 'POST', '/api/auth/login', { json: { code: minted.code } });
  expect(rows()).toEqual(before);
  return response;
}

describe('WeChat failures during login map to stable statuses and write nothing', () => {
  const cases: [string, Parameters<typeof injectFault>[1], number, string][] = [
    ['invalid code', { api: 'jscode2session', errcode: 40029 }, 400, 'INVALID_CODE'],
    ['code used', { api: 'jscode2session', errcode: 40163 }, 400, 'CODE_USED'],
    ['high-risk user', { api: 'jscode2session', errcode: 40226 }, 403, 'USER_BLOCKED'],
    ['WeChat minute quota', { api: 'jscode2session', errcode: 45011 }, 429, 'WECHAT_RATE_LIMITED'],
    ['busy beyond retries', { api: 'jscode2session', errcode: -1, times: 3 }, 503, 'WECHAT_UNAVAILABLE'],
    ['timeout', { api: 'jscode2session', delayMs: 1000 }, 504, 'WECHAT_TIMEOUT'],
    ['HTML error page', { api: 'jscode2session', body: '<html><body>502 Bad Gateway</body></html>' }, 502, 'WECHAT_BAD_RESPONSE'],
    ['broken JSON', { api: 'jscode2session', body: '{"openid": "o' }, 502, 'WECHAT_BAD_RESPONSE'],
    ['success without openid', { api: 'jscode2session', body: '{"session_key":"abc"}' }, 502, 'WECHAT_BAD_RESPONSE'],
    ['wrong secret', { api: 'jscode2session', errcode: 40125 }, 502, 'WECHAT_CREDENTIALS_REJECTED'],
    ['an errcode WeChat should never give here', { api: 'jscode2session', errcode: 48001 }, 502, 'WECHAT_BAD_RESPONSE'],
  ];
  for (const [name, fault, status, code] of cases) {
    it(`${name} → ${status} ${code}`, async () => {
      const response = await loginDuring(fault);
      expect(response.status).toBe(status);
      expect(response.body.error.code).toBe(code);
      expect(typeof response.body.error.message).toBe('string');
      expect(response.body.error.requestId).toBe(response.headers.get('x-request-id'));
    });
  }

  it('passes WeChat’s rid and errcode on to the caller for support', async () => {
    const response = await loginDuring({ api: 'jscode2session', errcode: 40226 });
    expect(response.body.error.details.errcode).toBe(40226);
    expect(response.body.error.details.rid).toMatch(/^[0-9a-f]+-[0-9a-f]+-[0-9a-f]+$/);
  });

  it('retries a busy answer with backoff and succeeds when WeChat recovers', async () => {
    const minted = await mintCode(h.simulator.url);
    await injectFault(h.simulator.url, { api: 'jscode2session', errcode: -1, times: 2 });
    const before = await wechatCalls(h.simulator.url, 'jscode2session');
    const response = await call(h.server.url, 'POST', '/api/auth/login', { json: { code: minted.code } });
    expect(response.status).toBe(200);
    expect(await wechatCalls(h.simulator.url, 'jscode2session')).toBe(before + 3);
  });

  it('serves normally as soon as a fault clears', async () => {
    await loginDuring({ api: 'jscode2session', errcode: -1, times: 3 });
    expect((await loginAs(h)).response.status).toBe(200);
  });
});

describe('malformed requests get a 4xx with a stable code, never a 500', () => {
  const bad: [string, RequestInit & { path?: string }, number, string][] = [
    ['broken JSON', { body: '{"code":', headers: { 'content-type': 'application/json' } }, 400, 'INVALID_JSON'],
    ['empty body', { body: '', headers: { 'content-type': 'application/json' } }, 400, 'VALIDATION_FAILED'],
    ['JSON array', { body: '[]', headers: { 'content-type': 'application/json' } }, 400, 'VALIDATION_FAILED'],
    ['JSON null', { body: 'null', headers: { 'content-type': 'application/json' } }, 400, 'VALIDATION_FAILED'],
    ['code of wrong type', { body: '{"code":123}', headers: { 'content-type': 'application/json' } }, 400, 'VALIDATION_FAILED'],
    ['code missing', { body: '{"appid":"wx00000000000000a1"}', headers: { 'content-type': 'application/json' } }, 400, 'VALIDATION_FAILED'],
    ['code empty', { body: '{"code":""}', headers: { 'content-type': 'application/json' } }, 400, 'VALIDATION_FAILED'],
    ['code with spaces', { body: '{"code":"a b"}', headers: { 'content-type': 'application/json' } }, 400, 'VALIDATION_FAILED'],
    [
      'code far too long',
      { body: JSON.stringify({ code: 'a'.repeat(5000) }), headers: { 'content-type': 'application/json' } },
      400,
      'VALIDATION_FAILED',
    ],
    ['appid malformed', { body: '{"code":"abc","appid":"x"}', headers: { 'content-type': 'application/json' } }, 400, 'VALIDATION_FAILED'],
    [
      'prototype poisoning',
      { body: '{"code":"abc","__proto__":{"admin":true}}', headers: { 'content-type': 'application/json' } },
      400,
      'INVALID_JSON',
    ],
    ['form-encoded', { body: 'code=abc', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'JSON sent as text/plain',
      { body: '{"code":"abc"}', headers: { 'content-type': 'text/plain;charset=UTF-8' } },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'huge body',
      { body: JSON.stringify({ code: 'a', pad: 'x'.repeat(200_000) }), headers: { 'content-type': 'application/json' } },
      413,
      'BODY_TOO_LARGE',
    ],
    ['unknown route', { path: '/api/nope' }, 404, 'NOT_FOUND'],
  ];
  for (const [name, init, status, code] of bad) {
    it(`${name} → ${status} ${code}`, async () => {
      const before = rows();
      const { path = '/api/auth/login', ...request } = init;
      const response = await fetch(`${h.server.url}${path}`, { method: 'POST', ...request });
      expect(response.status).toBe(status);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
      expect(rows()).toEqual(before);
    });
  }

  it('refresh without a token → 400; a non-string token → 400', async () => {
    for (const json of [{}, { refreshToken: 42 }, { refreshToken: '' }]) {
      const response = await call(h.server.url, 'POST', '/api/auth/refresh', { json });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('our own rate limit', () => {
  it('answers 429 RATE_LIMITED past the configured logins per minute per IP', async () => {
    const limited = await started.start({ RATE_LIMIT_LOGIN: '3' });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await loginAs(limited)).response);
    expect(statuses.slice(0, 3).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(statuses[3]?.status).toBe(429);
    expect(statuses[3]?.body.error.code).toBe('RATE_LIMITED');
  });
});
