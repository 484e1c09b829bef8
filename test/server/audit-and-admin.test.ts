import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/admin/usage-error.js';
import { APP_A, adminOn, call, loginAs, mintCode, useHarness } from '../support/harness.js';

const h = useHarness({ REFRESH_REUSE_GRACE: '0', WECHAT_APPS: `${APP_A.appid}:${APP_A.secret}` });

async function eventsOf(
  userId: string,
): Promise<
  { type: string; requestId: string | null; ip: string | null; userAgent: string | null; details: any; sessionId: string | null }[]
> {
  return adminOn(h, 'audit', '--user', userId, '--limit', '100');
}

describe('the audit log', () => {
  it('records login, new user, refresh, reuse and revocation, logout, with request id, IP and user agent', async () => {
    const minted = await mintCode(h.simulator.url);
    const login = await call(h.server.url, 'POST', '/api/auth/login', {
      json: { code: minted.code },
      headers: { 'user-agent': 'audit-test/1.0' },
    });
    const userId: string = login.body.user.id;
    const requestId = login.headers.get('x-request-id');
    let events = await eventsOf(userId);
    expect(events.map((event) => event.type).sort()).toEqual(['login', 'user_created']);
    const loginEvent = events.find((event) => event.type === 'login');
    expect(loginEvent).toMatchObject({ requestId, ip: '127.0.0.1', userAgent: 'audit-test/1.0', details: { isNewUser: true } });

    const rotated = await call(h.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: login.body.refreshToken } });
    await sleep(5);
    await call(h.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: login.body.refreshToken } });
    events = await eventsOf(userId);
    expect(events.slice(0, 3).map((event) => event.type)).toEqual(['session_revoked', 'refresh_token_reused', 'refresh']);
    expect(events[0]?.details).toEqual({ reason: 'refresh_token_reused' });

    const second = await loginAs(h, { openid: minted.openid });
    await call(h.server.url, 'POST', '/api/auth/logout', { token: second.response.body.accessToken });
    events = await eventsOf(userId);
    expect(events[0]).toMatchObject({ type: 'logout', details: { reason: 'logout' } });
    expect(JSON.stringify(events)).not.toContain(rotated.body.refreshToken);
    expect(JSON.stringify(events)).not.toContain(minted.sessionKey);
  });

  it('records, with every event, the id, IP and user agent of the request that caused it; none for the operator’s', async () => {
    const as = (agent: string): { headers: Record<string, string> } => ({ headers: { 'user-agent': agent } });
    /** What the audit log must say of the request that `response` answered, sent with user agent `agent`. */
    const origin = (response: { headers: Headers }, agent: string) => ({
      requestId: response.headers.get('x-request-id'),
      ip: '127.0.0.1',
      userAgent: agent,
    });

    const failed = await call(h.server.url, 'POST', '/api/auth/login', { json: { code: 'no-such-code' }, ...as('failing/1') });
    expect((await adminOn(h, 'audit', '--type', 'login_failed', '--limit', '1'))[0]).toMatchObject(origin(failed, 'failing/1'));

    const { minted, response: login } = await loginAs(h);
    const userId: string = login.body.user.id;
    const refreshed = await call(h.server.url, 'POST', '/api/auth/refresh', {
      json: { refreshToken: login.body.refreshToken },
      ...as('refreshing/1'),
    });
    const token: string = refreshed.body.accessToken;
    const reset = await call(h.server.url, 'POST', '/api/wechat/session-key/reset', { token, ...as('resetting/1') });
    expect(reset.status).toBe(200);
    await mintCode(h.simulator.url, { openid: minted.openid }); // a later wx.login rotates the key
    const payload = (await call(h.simulator.url, 'POST', '/control/encrypt', { json: { openid: minted.openid, data: { a: 1 } } })).body;
    const decrypted = await call(h.server.url, 'POST', '/api/wechat/decrypt', { token, json: payload, ...as('decrypting/1') });
    expect(decrypted.status).toBe(401);
    await sleep(5);
    const replayed = await call(h.server.url, 'POST', '/api/auth/refresh', {
      json: { refreshToken: login.body.refreshToken },
      ...as('replaying/1'),
    });
    expect(replayed.status).toBe(401);
    const again = await loginAs(h, { openid: minted.openid });
    const logout = await call(h.server.url, 'POST', '/api/auth/logout', { token: again.response.body.accessToken, ...as('leaving/1') });

    const events = await eventsOf(userId);
    const eventOf = (type: string): unknown => events.find((event) => event.type === type);
    expect(eventOf('refresh')).toMatchObject(origin(refreshed, 'refreshing/1'));
    expect(eventOf('session_key_reset')).toMatchObject(origin(reset, 'resetting/1'));
    expect(eventOf('decrypt_failed')).toMatchObject(origin(decrypted, 'decrypting/1'));
    expect(eventOf('refresh_token_reused')).toMatchObject(origin(replayed, 'replaying/1'));
    expect(eventOf('session_revoked')).toMatchObject({ ...origin(replayed, 'replaying/1'), details: { reason: 'refresh_token_reused' } });
    expect(eventOf('logout')).toMatchObject(origin(logout, 'leaving/1'));

    const last = await loginAs(h, { openid: minted.openid });
    await adminOn(h, 'sessions', 'revoke', '--session', sessionOf(last.response.body.accessToken));
    const revoked = (await eventsOf(userId)).find((event) => event.type === 'session_revoked' && event.details.reason === 'admin');
    expect(revoked).toMatchObject({ requestId: null, ip: null, userAgent: null });
  });

  it('records a failed login with its code, and a decrypt failure with its diagnosis', async () => {
    await call(h.server.url, 'POST', '/api/auth/login', { json: { code: 'no-such-code' } });
    const failed = await adminOn(h, 'audit', '--type', 'login_failed', '--limit', '1');
    expect(failed[0]).toMatchObject({ type: 'login_failed', provider: 'wechat', app: APP_A.appid, details: { code: 'INVALID_CODE' } });

    const { minted, response } = await loginAs(h);
    await mintCode(h.simulator.url, { openid: minted.openid }); // a later wx.login rotates the key
    const payload = (await call(h.simulator.url, 'POST', '/control/encrypt', { json: { openid: minted.openid, data: { a: 1 } } })).body;
    expect((await call(h.server.url, 'POST', '/api/wechat/decrypt', { token: response.body.accessToken, json: payload })).status).toBe(401);
    const events = await eventsOf(response.body.user.id);
    expect(events[0]).toMatchObject({ type: 'decrypt_failed', details: { code: 'SESSION_KEY_EXPIRED' } });
  });
});

describe('the admin CLI', () => {
  it('finds a user by id, openid, unionid and phone, showing accounts but nothing secret', async () => {
    const unionid = `oUadmin${Date.now()}`.padEnd(28, 'u');
    const { minted, response } = await loginAs(h, { unionid });
    const userId = response.body.user.id;
    const phoneCode = (
      await call(h.simulator.url, 'POST', '/control/phone-codes', { json: { openid: minted.openid, phoneNumber: '13912345678' } })
    ).body.code;
    await call(h.server.url, 'POST', '/api/me/phone', { token: response.body.accessToken, json: { code: phoneCode } });

    const queries = [
      ['--id', userId],
      ['--openid', minted.openid],
      ['--subject', minted.openid],
      ['--unionid', unionid],
      ['--phone', '13912345678'],
    ];
    for (const query of queries) {
      const found = await adminOn(h, 'users', 'find', ...query);
      expect(found.map((user: { id: string }) => user.id)).toEqual([userId]);
      expect(found[0].unions).toEqual([{ family: 'wechat', key: unionid }]);
      expect(found[0].accounts).toEqual([expect.objectContaining({ provider: 'wechat', app: APP_A.appid, subject: minted.openid })]);
      expect(JSON.stringify(found)).not.toContain(minted.sessionKey);
    }
    expect(await adminOn(h, 'users', 'find', '--openid', 'oNobody')).toEqual([]);
    expect((await adminOn(h, 'users', 'list', '--limit', '1'))[0].id).toBe(userId);
  });

  it('lists a user’s sessions and revokes them all, after which their tokens are refused', async () => {
    const first = await loginAs(h);
    const second = await loginAs(h, { openid: first.minted.openid });
    const userId = first.response.body.user.id;
    const sessions = await adminOn(h, 'sessions', 'list', '--user', userId);
    expect(sessions.map((session: { state: string }) => session.state)).toEqual(['active', 'active']);

    const revoked = await adminOn(h, 'sessions', 'revoke', '--user', userId);
    expect(revoked.revoked).toHaveLength(2);
    expect((await adminOn(h, 'sessions', 'list', '--user', userId)).map((session: { state: string }) => session.state)).toEqual([
      'revoked (admin)',
      'revoked (admin)',
    ]);
    // The server caches a session's state for at most a second.
    await sleep(1100);
    for (const token of [first.response.body.accessToken, second.response.body.accessToken]) {
      expect((await call(h.server.url, 'GET', '/api/me', { token })).body.error.code).toBe('SESSION_REVOKED');
    }
    expect((await adminOn(h, 'audit', '--user', userId, '--type', 'session_revoked')).length).toBe(2);
  });

  it('prints the configuration with every secret masked', async () => {
    const printed = JSON.stringify(await adminOn(h, 'config'));
    expect(printed).toContain(APP_A.appid);
    expect(printed).not.toContain(APP_A.secret);
    expect(printed).toContain('***');
  });

  it('refuses malformed commands with a usage error', async () => {
    await expect(adminOn(h, 'users', 'find')).rejects.toBeInstanceOf(UsageError);
    await expect(adminOn(h, 'users', 'find', '--id', 'a', '--phone', 'b')).rejects.toBeInstanceOf(UsageError);
    await expect(adminOn(h, 'sessions', 'list')).rejects.toThrow(/--user is required/);
    await expect(adminOn(h, 'users', 'list', '--limit', 'lots')).rejects.toThrow(/--limit/);
    await expect(adminOn(h, 'audit', '--since', 'yesterday-ish')).rejects.toThrow(/--since/);
    await expect(adminOn(h, 'users', 'delete')).rejects.toThrow(/unknown command/);
  });
});

/** The session id an access token names. */
function sessionOf(accessToken: string): string {
  const payload = accessToken.split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sid: string }).sid;
}
