import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskedConfig } from '../../src/admin/config-view.js';
import { ConfigError, loadConfig } from '../../src/server/config.js';
import { basicAuth, call, type Harness, type JsonResponse, tokensFor, useHarness } from '../support/harness.js';

/** Introspection is for backends: each authenticates with its own secret and is limited on its own. */
const ORDERS = { clientId: 'orders', clientSecret: 'orders-secret-0123456789abcdef0123456789' };
const BILLING = { clientId: 'billing', clientSecret: 'billing-secret-0123456789abcdef012345678' };
const BILLING_HASH = createHash('sha256').update(BILLING.clientSecret).digest('hex');
const CLIENTS = `${ORDERS.clientId}:${ORDERS.clientSecret}, ${BILLING.clientId}:sha256:${BILLING_HASH}`;

function introspect(h: Harness, token: string, headers: Record<string, string> = {}, ip = '192.0.2.1'): Promise<JsonResponse> {
  return call(h.server.url, 'POST', '/api/auth/introspect', { json: { token }, headers: { 'x-forwarded-for': ip, ...headers } });
}

function expectRefused(response: JsonResponse): void {
  expect(response.status).toBe(401);
  expect(response.body.error.code).toBe('INTROSPECTION_UNAUTHORIZED');
  expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
}

describe('INTROSPECTION_CLIENTS and INTROSPECTION_ANONYMOUS', () => {
  const env = { NODE_ENV: 'test', DATA_DIR: '/nonexistent' };

  it('default to no backend, anonymous callers refused, and a per-backend limit', () => {
    expect(loadConfig(env).introspection).toEqual({ clients: [], perClientPerMinute: 60_000, anonymousPerIpPerMinute: undefined });
  });

  it('read secrets as their hashes, given plain or as sha256:<hex>, and mask them in `weapp-auth config`', () => {
    const config = loadConfig({ ...env, INTROSPECTION_CLIENTS: CLIENTS, RATE_LIMIT_INTROSPECT: '100', INTROSPECTION_ANONYMOUS: '10' });
    expect(config.introspection).toEqual({
      clients: [
        { id: ORDERS.clientId, secretHash: createHash('sha256').update(ORDERS.clientSecret).digest('hex') },
        { id: BILLING.clientId, secretHash: BILLING_HASH },
      ],
      perClientPerMinute: 100,
      anonymousPerIpPerMinute: 10,
    });
    expect(loadConfig({ ...env, INTROSPECTION_ANONYMOUS: 'off' }).introspection.anonymousPerIpPerMinute).toBeUndefined();
    const printed = JSON.stringify(maskedConfig(config));
    expect(printed).not.toContain(ORDERS.clientSecret);
    expect(printed).not.toContain(BILLING_HASH);
  });

  it('refuse weak secrets, bad ids, duplicates and a zero anonymous limit, never quoting a secret', () => {
    const refused = (variables: Record<string, string>): string => {
      try {
        loadConfig({ ...env, ...variables });
      } catch (error) {
        if (error instanceof ConfigError) return error.message;
      }
      throw new Error(`accepted ${JSON.stringify(variables)}`);
    };
    expect(refused({ INTROSPECTION_CLIENTS: 'orders:short-secret' })).toMatch(/secret of orders must be 32-256/);
    expect(refused({ INTROSPECTION_CLIENTS: `orders:${'x'.repeat(31)}+` })).toMatch(/secret of orders/);
    expect(refused({ INTROSPECTION_CLIENTS: `orders:sha256:${'ab'.repeat(31)}` })).toMatch(/secret of orders/);
    expect(refused({ INTROSPECTION_CLIENTS: `${ORDERS.clientSecret}` })).not.toContain(ORDERS.clientSecret);
    expect(refused({ INTROSPECTION_CLIENTS: `bad id:${ORDERS.clientSecret}` })).toMatch(/entry 1 must be id:secret/);
    expect(refused({ INTROSPECTION_CLIENTS: `${CLIENTS},orders:${BILLING.clientSecret}` })).toMatch(/client orders is listed twice/);
    expect(refused({ INTROSPECTION_ANONYMOUS: '0' })).toMatch(/INTROSPECTION_ANONYMOUS must be off or a limit/);
    expect(refused({ INTROSPECTION_ANONYMOUS: 'on' })).toMatch(/INTROSPECTION_ANONYMOUS/);
  });
});

describe('POST /api/auth/introspect, anonymous callers off (the default)', () => {
  const h = useHarness({ TRUST_PROXY: 'true', INTROSPECTION_CLIENTS: CLIENTS, RATE_LIMIT_INTROSPECT: '3', LOG_LEVEL: 'trace' });
  let token: string;
  beforeAll(async () => {
    token = (await tokensFor(h)).accessToken;
  });

  it('refuses a caller without credentials, before reading its body', async () => {
    expectRefused(await introspect(h, token));
    expectRefused(
      await call(h.server.url, 'POST', '/api/auth/introspect', { raw: '{"token":', headers: { 'content-type': 'application/json' } }),
    );
  });

  it('refuses a wrong secret, an unknown backend, a user’s bearer token and garbage alike', async () => {
    const attempts = [
      basicAuth({ ...ORDERS, clientSecret: BILLING.clientSecret }),
      basicAuth({ ...ORDERS, clientSecret: `${ORDERS.clientSecret}x` }),
      basicAuth({ clientId: 'nobody', clientSecret: ORDERS.clientSecret }),
      basicAuth({ clientId: BILLING.clientId, clientSecret: BILLING_HASH }),
      { authorization: `Bearer ${token}` },
      { authorization: `Basic ${Buffer.from(ORDERS.clientSecret).toString('base64')}` },
      { authorization: 'Basic !!!' },
    ];
    for (const headers of attempts) expectRefused(await introspect(h, token, headers));
  });

  it('answers a backend with its secret, plain or stored as a hash', async () => {
    const wanted = {
      active: true,
      sub: expect.any(String),
      sid: expect.any(String),
      aud: expect.any(String),
      idp: 'wechat',
      exp: expect.any(Number),
    };
    expect((await introspect(h, token, basicAuth(BILLING))).body).toEqual(wanted);
    expect((await introspect(h, token, basicAuth(ORDERS))).body).toEqual(wanted);
  });

  it('limits each backend on its own, wherever it calls from: one backend’s flood does not block another on the same IP', async () => {
    // ORDERS used one of its 3 above; two more from other addresses, then a fourth is over its limit on any address.
    expect((await introspect(h, token, basicAuth(ORDERS), '192.0.2.2')).status).toBe(200);
    expect((await introspect(h, token, basicAuth(ORDERS), '192.0.2.3')).status).toBe(200);
    const flooded = await introspect(h, token, basicAuth(ORDERS), '192.0.2.4');
    expect(flooded.status).toBe(429);
    expect(flooded.body.error.code).toBe('RATE_LIMITED');
    expect((await introspect(h, token, basicAuth(ORDERS))).status).toBe(429);
    // BILLING, calling from ORDERS' own address, has its own allowance.
    expect((await introspect(h, token, basicAuth(BILLING), '192.0.2.4')).status).toBe(200);
  });

  it('writes no secret and no credentials to the log', () => {
    const log = h.logs.join('\n');
    expect(log).toContain('/api/auth/introspect');
    for (const secret of [ORDERS.clientSecret, BILLING.clientSecret, basicAuth(ORDERS).authorization, basicAuth(BILLING).authorization]) {
      expect(log).not.toContain(secret);
    }
  });

  it('is described in OpenAPI as needing a backend’s HTTP Basic credentials', async () => {
    const document = (await call(h.server.url, 'GET', '/docs/json')).body;
    expect(document.paths['/api/auth/introspect'].post.security).toEqual([{ introspectionClient: [] }]);
    expect(document.components.securitySchemes.introspectionClient).toMatchObject({ type: 'http', scheme: 'basic' });
  });
});

describe('POST /api/auth/introspect with INTROSPECTION_ANONYMOUS', () => {
  const h = useHarness({ TRUST_PROXY: 'true', INTROSPECTION_CLIENTS: CLIENTS, INTROSPECTION_ANONYMOUS: '2' });

  it('answers callers without credentials within a strict per-IP limit, and still refuses wrong credentials', async () => {
    const token = (await tokensFor(h)).accessToken;
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await introspect(h, token, {}, '198.51.100.1')).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await introspect(h, token, {}, '198.51.100.2')).body.active).toBe(true);
    expect((await introspect(h, token, basicAuth(ORDERS), '198.51.100.1')).status).toBe(200);
    expectRefused(await introspect(h, token, basicAuth({ ...ORDERS, clientSecret: BILLING.clientSecret }), '198.51.100.3'));
  });
});
