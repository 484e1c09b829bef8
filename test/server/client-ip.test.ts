import { describe, expect, it } from 'vitest';
import { normalizeIp } from '../../src/http/request-origin.js';
import { adminOn, call, mintCode, useHarness } from '../support/harness.js';

// `true`: the left-most X-Forwarded-For entry is believed, whatever the client wrote there.
const h = useHarness({ TRUST_PROXY: 'true' });

/** Logs in a new user with this X-Forwarded-For and returns the answer and the IPs its session and audit event hold. */
async function loginFrom(forwardedFor: string): Promise<{ status: number; sessionIp: string | null; auditIp: string | null }> {
  const minted = await mintCode(h.simulator.url);
  const login = await call(h.server.url, 'POST', '/api/auth/login', {
    json: { code: minted.code },
    headers: { 'x-forwarded-for': forwardedFor },
  });
  if (login.status !== 200) return { status: login.status, sessionIp: null, auditIp: null };
  const userId: string = login.body.user.id;
  const [session] = await adminOn(h, 'sessions', 'list', '--user', userId);
  const [event] = await adminOn(h, 'audit', '--user', userId, '--type', 'login');
  return { status: login.status, sessionIp: session.ip, auditIp: event.ip };
}

describe('the client IP behind TRUST_PROXY', () => {
  it('is the forwarded address when that is an IP: IPv4-mapped IPv6 as IPv4, without an IPv6 zone', async () => {
    expect(await loginFrom('203.0.113.7')).toEqual({ status: 200, sessionIp: '203.0.113.7', auditIp: '203.0.113.7' });
    expect(await loginFrom('2001:DB8::1, 10.0.0.1')).toEqual({ status: 200, sessionIp: '2001:db8::1', auditIp: '2001:db8::1' });
    expect(await loginFrom('::ffff:203.0.113.8')).toEqual({ status: 200, sessionIp: '203.0.113.8', auditIp: '203.0.113.8' });
    expect(await loginFrom(`fe80::1%${'z'.repeat(100)}`)).toEqual({ status: 200, sessionIp: 'fe80::1', auditIp: 'fe80::1' });
  });

  // A login spends its code at WeChat before the session is written: a 500 there would have burnt the code.
  it.each([
    ['markup', '<script>alert(1)</script>'],
    ['100 characters', 'x'.repeat(100)],
    ['the word proxies write for a hidden client', 'unknown'],
    ['an address with a port', '203.0.113.9:4711'],
    ['an IPv4 address with a zone', `192.0.2.1%${'z'.repeat(100)}`],
  ])('is the TCP peer, not %s, and the login succeeds', async (_name, forwardedFor) => {
    expect(await loginFrom(forwardedFor)).toEqual({ status: 200, sessionIp: '127.0.0.1', auditIp: '127.0.0.1' });
  });
});

describe('normalizeIp', () => {
  it('writes each address one way and refuses what is not an address', () => {
    expect(normalizeIp('::FFFF:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeIp('FE80::1%eth0')).toBe('fe80::1');
    expect(normalizeIp(`fe80::1%${'z'.repeat(200)}`)).toBe('fe80::1');
    expect(normalizeIp('192.0.2.1')).toBe('192.0.2.1');
    for (const bad of [undefined, '', 'unknown', '<script>', '192.0.2.1:80', '192.0.2.256', ' 192.0.2.1'])
      expect(normalizeIp(bad)).toBeNull();
  });
});
