import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, tokensFor, useHarness } from '../support/harness.js';

/**
 * Generated requests at every endpoint: random methods, paths, headers, encodings, sizes and bodies. The server
 * must answer each with a stable error body and never a 500, and still be healthy afterwards.
 * FUZZ_RUNS sets the count: CI runs a reduced number; `npm run fuzz` runs 100,000.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const CONCURRENCY = 32;

const ROUTES: [string, string][] = [
  ['POST', '/api/auth/login'],
  ['POST', '/api/auth/refresh'],
  ['POST', '/api/auth/logout'],
  ['POST', '/api/auth/introspect'],
  ['GET', '/api/me'],
  ['PATCH', '/api/me'],
  ['POST', '/api/me/phone'],
  ['POST', '/api/wechat/decrypt'],
  ['POST', '/api/wechat/verify-signature'],
  ['GET', '/api/wechat/session-key'],
  ['POST', '/api/wechat/session-key/reset'],
  ['GET', '/.well-known/jwks.json'],
  ['GET', '/healthz'],
  ['GET', '/readyz'],
];

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

// TRUST_PROXY=true: whatever X-Forwarded-For says reaches the sessions and the audit log unless it is refused.
const h = useHarness({ LOG_LEVEL: 'silent', BODY_LIMIT: '65536', TRUST_PROXY: 'true' });
/** Many live sessions, so that the fuzzer logging some out still leaves guarded routes reachable. */
let tokens: string[] = [];
let refreshTokens: string[] = [];

beforeAll(async () => {
  const sessions = await Promise.all(Array.from({ length: 40 }, () => tokensFor(h)));
  tokens = sessions.map((session) => session.accessToken);
  refreshTokens = sessions.map((session) => session.refreshToken);
});

/** Strings as a hostile client sends them: empty, huge, binary, near-valid, injection-shaped. */
function text(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.string({ minLength: 100, maxLength: 5000 }),
    fc.base64String(),
    fc.constantFrom(
      '',
      ' ',
      'wx00000000000000a1',
      "' OR 1=1 --",
      '../../etc/passwd',
      '\u0000',
      'https://cdn.example.com/a.png',
      'javascript:alert(1)',
    ),
    // Text a person sees: direction overrides, invisible-only, broken UTF-16, private use, emoji sequences.
    fc.constantFrom('a\u202Eb', '\u200B', '\u3164', 'a\uD800', '\uDC00', '\uE000', '\uFFFF', '\u{E0041}', '👨\u200D👩\u200D👧', 'e\u0301'),
  );
}

function scalar(): fc.Arbitrary<unknown> {
  return fc.oneof(
    text(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.jsonValue(), { maxLength: 3 }),
    fc.object(),
  );
}

/** One of the live sessions' tokens, read when sampled (after beforeAll has logged in). */
function liveToken(list: () => string[]): fc.Arbitrary<string> {
  return fc.nat().map((i) => list()[i % list().length] ?? '');
}

/** Bodies with the fields each route reads, each field sometimes missing, wrong-typed or absurd. */
function bodyFor(path: string): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
    '/api/auth/login': { code: scalar(), appid: scalar() },
    '/api/auth/refresh': {
      refreshToken: fc.oneof(
        scalar(),
        liveToken(() => refreshTokens),
      ),
    },
    '/api/auth/introspect': {
      token: fc.oneof(
        scalar(),
        liveToken(() => tokens),
      ),
    },
    '/api/me': { nickname: scalar(), avatarUrl: fc.oneof(scalar(), fc.webUrl()) },
    '/api/me/phone': { code: scalar(), encryptedData: fc.oneof(scalar(), fc.base64String()), iv: fc.oneof(scalar(), fc.base64String()) },
    '/api/wechat/decrypt': { encryptedData: fc.oneof(scalar(), fc.base64String()), iv: fc.oneof(scalar(), fc.base64String()) },
    '/api/wechat/verify-signature': { rawData: scalar(), signature: fc.oneof(scalar(), fc.stringMatching(/^[0-9a-f]{40}$/)) },
  };
  return fc.record(fields[path] ?? {}, { requiredKeys: [] });
}

function body(): fc.Arbitrary<Buffer | undefined> {
  return fc.oneof(
    fc.constant(undefined),
    fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
    fc.string().map((value) => Buffer.from(value)),
    fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
    fc.integer({ min: 60_000, max: 200_000 }).map((size) => Buffer.from(`{"code":"${'a'.repeat(size)}"}`)),
    fc
      .constantFrom('{', '{"code":', '[]', 'null', '""', '{"code":"\uD800"}', '\u0000', '{"a":1}{"b":2}', '{"__proto__":{"x":1}}')
      .map((value) => Buffer.from(value)),
  );
}

function authorization(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: liveToken(() => tokens).map((token) => `Bearer ${token}`) },
    { weight: 1, arbitrary: fc.string().map((value) => `Bearer ${value}`) },
    { weight: 1, arbitrary: fc.constantFrom('Bearer', 'Bearer ', 'Basic abc', 'Bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.e30.') },
    { weight: 1, arbitrary: liveToken(() => tokens).map((token) => `Bearer ${token}x`) },
  );
}

function chaosHeaders(): fc.Arbitrary<Record<string, string>> {
  return fc.record(
    {
      'content-type': fc.constantFrom(
        'application/json',
        'application/json; charset=latin1',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
        '',
      ),
      authorization: authorization(),
      'accept-language': fc.constantFrom('zh-CN', 'en', '*', 'xx;q=abc'),
      'content-encoding': fc.constantFrom('gzip', 'br', 'identity'),
      'x-forwarded-for': fc.constantFrom('1.2.3.4', 'not-an-ip', '::1', '<script>', 'x'.repeat(100), 'unknown, 1.2.3.4', 'fe80::1%eth0'),
    },
    { requiredKeys: [] },
  );
}

/** The right method, path and content type for a route, a valid token most of the time, fuzzed fields. */
function wellFormed(): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...ROUTES).chain(([method, path]) =>
    fc.record({
      method: fc.constant(method),
      path: fc.constant(path),
      // Logging out with a shared token would starve the other guarded routes: logout gets forged tokens only.
      headers: fc.record({
        'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8'),
        authorization: path === '/api/auth/logout' ? fc.constant('Bearer a.b.c') : authorization(),
      }),
      body: bodyFor(path).map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
    }),
  );
}

/** Anything at all: strange methods, paths, headers and bodies. */
function chaos(): fc.Arbitrary<FuzzRequest> {
  const strangePath = fc.oneof(
    fc.webPath(),
    fc.constantFrom('/api/me/../../etc/passwd', '/api/%2e%2e/me', '/api/me?x=%ZZ', '//api//me', '/api/me%00', '/sim/control/codes'),
  );
  return fc.record({
    method: fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS', 'HEAD'),
    path: fc.oneof(fc.constantFrom(...ROUTES.map(([, path]) => path)), strangePath),
    headers: chaosHeaders(),
    body: body(),
  });
}

function fuzzRequest(): fc.Arbitrary<FuzzRequest> {
  return fc.oneof({ weight: 3, arbitrary: wellFormed() }, { weight: 1, arbitrary: chaos() });
}

/** Sends with node:http, which (unlike fetch) lets a test set any header, any method, any body. */
function send(target: string, request: FuzzRequest): Promise<{ status: number; text: string }> {
  const url = new URL(target);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path.startsWith('/') ? request.path : `/${request.path}`,
        headers: { ...request.headers, ...(request.body === undefined ? {} : { 'content-length': String(request.body.length) }) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

describe(`hostile input (${RUNS} generated requests)`, () => {
  it('never gets a 500, always gets a stable error body, and leaves the server healthy', async () => {
    const samples = fc.sample(fuzzRequest(), { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) });
    const failures: { request: Omit<FuzzRequest, 'body'> & { body?: string }; status: number; text: string }[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < samples.length) {
          const request = samples[next++] as FuzzRequest;
          let answer: { status: number; text: string };
          try {
            answer = await send(h.server.url, request);
          } catch (error) {
            answer = { status: 0, text: String(error) };
          }
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          const errorBodyOk = answer.status < 400 || request.method === 'HEAD' || /"error":\{"code":"[A-Z_]+"/.test(answer.text);
          if (answer.status >= 500 || answer.status === 0 || !errorBodyOk) {
            failures.push({ request: { ...request, body: request.body?.subarray(0, 200).toString('utf8') }, ...answer });
          }
        }
      }),
    );
    expect(failures.slice(0, 5)).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(RUNS);
    // The run reached the guarded and validated paths, not only 404s.
    for (const status of [200, 400, 401]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);

    expect((await call(h.server.url, 'GET', '/healthz')).status).toBe(200);
    expect((await call(h.server.url, 'GET', '/readyz')).status).toBe(200);
    // A new session works as on any other day.
    const fresh = (await tokensFor(h)).accessToken;
    expect((await call(h.server.url, 'GET', '/api/me', { token: fresh })).status).toBe(200);
  }, 600_000);
});
