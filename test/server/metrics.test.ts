import { describe, expect, it } from 'vitest';
import { call, harnessesPerTest, injectFault, loginAs, mintCode, tokensFor } from '../support/harness.js';

const started = harnessesPerTest();

async function scrape(url: string, token?: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}/metrics`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, text: await response.text() };
}

/** The value of one sample line, e.g. value(text, 'weapp_auth_logins_total{outcome="new_user"}'); 0 if absent. */
function value(text: string, sample: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}

describe('GET /metrics', () => {
  it('needs the metrics token on the main port, and counts logins, requests, WeChat calls and sessions', async () => {
    const h = await started.start({ METRICS_TOKEN: 'scrape-me-please' });
    expect((await scrape(h.server.url)).status).toBe(401);
    expect((await scrape(h.server.url, 'wrong')).status).toBe(401);
    const before = (await scrape(h.server.url, 'scrape-me-please')).text;

    await loginAs(h);
    const returning = await loginAs(h);
    await loginAs(h, { openid: returning.minted.openid });
    await injectFault(h.simulator.url, { api: 'jscode2session', errcode: 40029 });
    await call(h.server.url, 'POST', '/api/auth/login', { json: { code: (await mintCode(h.simulator.url)).code } });
    await call(h.server.url, 'GET', '/api/me');

    const after = await scrape(h.server.url, 'scrape-me-please');
    expect(after.status).toBe(200);
    const delta = (sample: string): number => value(after.text, sample) - value(before, sample);
    expect(delta('weapp_auth_logins_total{outcome="new_user"}')).toBe(2);
    expect(delta('weapp_auth_logins_total{outcome="returning_user"}')).toBe(1);
    expect(delta('weapp_auth_logins_total{outcome="INVALID_CODE"}')).toBe(1);
    expect(delta('weapp_auth_http_requests_total{method="POST",route="/api/auth/login",status="200"}')).toBe(3);
    expect(delta('weapp_auth_http_requests_total{method="GET",route="/api/me",status="401"}')).toBe(1);
    expect(delta('weapp_auth_wechat_calls_total{api="jscode2session",errcode="0"}')).toBe(3);
    expect(delta('weapp_auth_wechat_calls_total{api="jscode2session",errcode="40029"}')).toBe(1);
    expect(value(after.text, 'weapp_auth_wechat_call_duration_seconds_count{api="jscode2session"}')).toBe(4);
    expect(value(after.text, 'weapp_auth_active_sessions')).toBe(3);
    expect(value(after.text, 'weapp_auth_db_pool_connections{state="total"}')).toBeGreaterThan(0);
    expect(after.text).toContain('weapp_auth_process_resident_memory_bytes');
  });

  it('is not served on the main port without a token', async () => {
    const h = await started.start();
    expect((await scrape(h.server.url)).status).toBe(404);
  });

  it('can be served alone on a port of its own, without a token, and the main port does not serve it', async () => {
    const h = await started.start({ METRICS_PORT: '0' });
    expect(h.server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const answer = await scrape(h.server.metricsUrl ?? '');
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('weapp_auth_active_sessions');
    expect((await scrape(h.server.url)).status).toBe(404);
  });

  it('shows active sessions going down on logout', async () => {
    const h = await started.start({ METRICS_TOKEN: 't' });
    const session = await tokensFor(h);
    expect(value((await scrape(h.server.url, 't')).text, 'weapp_auth_active_sessions')).toBe(1);
    await call(h.server.url, 'POST', '/api/auth/logout', { token: session.accessToken });
    expect(value((await scrape(h.server.url, 't')).text, 'weapp_auth_active_sessions')).toBe(0);
  });
});
