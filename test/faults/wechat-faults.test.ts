import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  APP_A,
  call,
  type Harness,
  harnessesPerTest,
  injectFault,
  type JsonResponse,
  mintCode,
  signIn,
  wechatCalls,
} from '../support/harness.js';

/**
 * Every WeChat API the server calls besides jscode2session (whose faults test/server/failures.test.ts covers), under
 * every kind of fault the simulator can inject: the documented status and code, nothing written, and the same call
 * served normally as soon as the fault clears.
 */

/** Low, so that timeouts cost little; a delay fault of four times this is unambiguously past it even on a busy machine. */
const TIMEOUT_MS = 500;
const PHONE = '13580006666';

/** injectFault's fault, plus the control API's contentType (for JSON-labelled broken bodies), which its type omits. */
type Fault = Omit<Parameters<typeof injectFault>[1], 'api'> & { contentType?: string };
type Api = 'stable_token' | 'token' | 'getuserphonenumber' | 'checksession' | 'resetusersessionkey';

/** One prepared call, for one fresh user. */
interface Attempt {
  send(): Promise<JsonResponse>;
  /** Asserts that a failed call left the user's state as it was. */
  unchanged(): Promise<void>;
  /** Asserts that `response` is the call's normal answer. */
  succeeded(response: JsonResponse): Promise<void>;
}

/** How a WeChat API is reached from our HTTP API. */
interface Route {
  name: string;
  api: Api;
  env: Record<string, string>;
  prepare(h: Harness): Promise<Attempt>;
}

const started = harnessesPerTest();

/** A fresh harness per test: its access-token cache starts empty, so the first call needing a token fetches one. */
function harness(env: Record<string, string>): Promise<Harness> {
  return started.start({ WECHAT_TIMEOUT_MS: String(TIMEOUT_MS), ...env });
}

async function signedIn(h: Harness, openid?: string): Promise<{ openid: string; token: string }> {
  const { minted, tokens } = await signIn(h, openid === undefined ? {} : { openid });
  return { openid: minted.openid, token: tokens.accessToken };
}

async function keyStatus(h: Harness, token: string): Promise<JsonResponse> {
  return call(h.server.url, 'GET', '/api/wechat/session-key', { token });
}

function rows(h: Harness): Record<string, number> {
  return { users: h.count('users'), accounts: h.count('accounts'), sessions: h.count('sessions'), refresh: h.count('refresh_tokens') };
}

/** POST /api/me/phone with a getPhoneNumber code: reaches the access-token fetch, then getuserphonenumber. */
async function phoneBinding(h: Harness): Promise<Attempt> {
  const user = await signedIn(h);
  const minted = await call(h.simulator.url, 'POST', '/control/phone-codes', {
    json: { appid: APP_A.appid, openid: user.openid, phoneNumber: PHONE },
  });
  expect(minted.status).toBe(200);
  const me = (): Promise<JsonResponse> => call(h.server.url, 'GET', '/api/me', { token: user.token });
  return {
    // The same code every time: a faulted call never reaches WeChat's code check, so the code is still unused.
    send: () => call(h.server.url, 'POST', '/api/me/phone', { token: user.token, json: { code: minted.body.code } }),
    async unchanged() {
      expect((await me()).body).toMatchObject({ phoneBound: false, phone: null });
    },
    async succeeded(response) {
      expect(response.status).toBe(200);
      expect(response.body.purePhoneNumber).toBe(PHONE);
      expect((await me()).body).toMatchObject({ phoneBound: true, phone: { purePhoneNumber: PHONE } });
    },
  };
}

/** GET /api/wechat/session-key: checksession with the stored key. */
async function keyCheck(h: Harness): Promise<Attempt> {
  const user = await signedIn(h);
  return {
    send: () => keyStatus(h, user.token),
    async unchanged() {},
    async succeeded(response) {
      expect(response.status).toBe(200);
      expect(response.body.current).toBe(true);
    },
  };
}

/**
 * POST /api/wechat/decrypt with data sealed under a key the server has not seen (a later wx.login rotated it):
 * decryption fails, and checksession tells the stale key (401 SESSION_KEY_EXPIRED) from damaged data. While
 * checksession fails, the server must say WeChat failed rather than guess either diagnosis.
 */
async function decryptDiagnosis(h: Harness): Promise<Attempt> {
  const user = await signedIn(h);
  await mintCode(h.simulator.url, { openid: user.openid }); // rotates the key at WeChat only
  const sealed = await call(h.simulator.url, 'POST', '/control/encrypt', {
    json: { appid: APP_A.appid, openid: user.openid, data: { stepInfoList: [] } },
  });
  expect(sealed.status).toBe(200);
  return {
    send: () => call(h.server.url, 'POST', '/api/wechat/decrypt', { token: user.token, json: sealed.body }),
    async unchanged() {},
    async succeeded(response) {
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('SESSION_KEY_EXPIRED');
    },
  };
}

/** POST /api/wechat/session-key/reset: checksession, then resetusersessionkey, then the new key stored. */
async function keyReset(h: Harness): Promise<Attempt> {
  const user = await signedIn(h);
  const before = await keyStatus(h, user.token);
  expect(before.body.current).toBe(true);
  return {
    send: () => call(h.server.url, 'POST', '/api/wechat/session-key/reset', { token: user.token }),
    async unchanged() {
      // The stored key is the one from the login, and WeChat still holds it as current.
      expect((await keyStatus(h, user.token)).body).toEqual(before.body);
    },
    async succeeded(response) {
      expect(response.status).toBe(200);
      expect(response.body.current).toBe(true);
      expect(Date.parse(response.body.updatedAt)).toBeGreaterThan(Date.parse(before.body.updatedAt));
      // The new key was stored: WeChat accepts it.
      expect((await keyStatus(h, user.token)).body).toEqual(response.body);
    },
  };
}

const ROUTES: Route[] = [
  { name: 'stable_token (through POST /api/me/phone)', api: 'stable_token', env: {}, prepare: phoneBinding },
  {
    name: 'token (WECHAT_TOKEN_SOURCE=plain, through POST /api/me/phone)',
    api: 'token',
    env: { WECHAT_TOKEN_SOURCE: 'plain' },
    prepare: phoneBinding,
  },
  { name: 'getuserphonenumber (POST /api/me/phone)', api: 'getuserphonenumber', env: {}, prepare: phoneBinding },
  { name: 'checksession (GET /api/wechat/session-key)', api: 'checksession', env: {}, prepare: keyCheck },
  { name: 'checksession (diagnosing a failed POST /api/wechat/decrypt)', api: 'checksession', env: {}, prepare: decryptDiagnosis },
  { name: 'resetusersessionkey (POST /api/wechat/session-key/reset)', api: 'resetusersessionkey', env: {}, prepare: keyReset },
];

interface Failure {
  name: string;
  fault: Fault;
  /** Calls the faulted API receives: three for a busy answer (WECHAT_RETRIES=2), one for anything not worth retrying. */
  calls: number;
  status: number;
  code: string;
}

const FAILURES: Failure[] = [
  { name: 'busy (-1) through every retry', fault: { errcode: -1, times: 3 }, calls: 3, status: 503, code: 'WECHAT_UNAVAILABLE' },
  // WeChat hangs and then fails, so the call we gave up on did nothing there (one that WeChat completed after we
  // gave up is tested on its own below).
  {
    name: 'no answer within WECHAT_TIMEOUT_MS',
    fault: { delayMs: 4 * TIMEOUT_MS, errcode: -1 },
    calls: 1,
    status: 504,
    code: 'WECHAT_TIMEOUT',
  },
  { name: 'minute quota (45011)', fault: { errcode: 45011 }, calls: 1, status: 429, code: 'WECHAT_RATE_LIMITED' },
  {
    name: 'an HTML error page',
    fault: { body: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
    calls: 1,
    status: 502,
    code: 'WECHAT_BAD_RESPONSE',
  },
  {
    name: 'broken JSON labelled JSON',
    fault: { body: '{"errcode":0,"errmsg":"ok","access_token":"tr', contentType: 'application/json; encoding=utf-8' },
    calls: 1,
    status: 502,
    code: 'WECHAT_BAD_RESPONSE',
  },
  { name: 'an errcode this API never gives (48001)', fault: { errcode: 48001 }, calls: 1, status: 502, code: 'WECHAT_BAD_RESPONSE' },
];

describe.each(ROUTES)('$name', (route) => {
  it.each(FAILURES)('$name → $status $code, nothing written, then served normally', async (failure) => {
    const h = await harness(route.env);
    const attempt = await route.prepare(h);
    const calls = await wechatCalls(h.simulator.url, route.api);
    const written = rows(h);

    await injectFault(h.simulator.url, { api: route.api, ...failure.fault });
    const response = await attempt.send();
    expect(response.status).toBe(failure.status);
    expect(response.body.error.code).toBe(failure.code);
    expect(response.body.error.requestId).toBe(response.headers.get('x-request-id'));
    if (failure.fault.errcode !== undefined && failure.fault.delayMs === undefined) {
      expect(response.body.error.details.errcode).toBe(failure.fault.errcode);
    }
    expect(await wechatCalls(h.simulator.url, route.api)).toBe(calls + failure.calls);
    expect(rows(h)).toEqual(written);
    await attempt.unchanged();

    // Every queued fault was consumed by the call above; the very next call must be served as usual.
    await attempt.succeeded(await attempt.send());
  });

  it('busy (-1) once → retried, and served', async () => {
    const h = await harness(route.env);
    const attempt = await route.prepare(h);
    const calls = await wechatCalls(h.simulator.url, route.api);
    await injectFault(h.simulator.url, { api: route.api, errcode: -1 });
    await attempt.succeeded(await attempt.send());
    expect(await wechatCalls(h.simulator.url, route.api)).toBe(calls + 2);
  });
});

describe('an access token WeChat rejects (40001) is refetched once and the call retried', () => {
  it.each([
    ['checksession', keyCheck],
    ['resetusersessionkey', keyReset],
  ] as const)('%s', async (api, prepare) => {
    const h = await harness({});
    const attempt = await prepare(h);
    // Another user's call caches the app's token first, so the fault below hits a cached token, as in production.
    expect((await keyStatus(h, (await signedIn(h)).token)).body.current).toBe(true);
    const tokens = await wechatCalls(h.simulator.url, 'stable_token');
    const calls = await wechatCalls(h.simulator.url, api);
    await injectFault(h.simulator.url, { api, errcode: 40001 });
    await attempt.succeeded(await attempt.send());
    expect(await wechatCalls(h.simulator.url, 'stable_token')).toBe(tokens + 1);
    expect(await wechatCalls(h.simulator.url, api)).toBe(calls + 2);
  });
});

describe('a reset that WeChat completed after we stopped waiting', () => {
  it('answers 504; the key WeChat now holds was never seen, so the client logs in again and is whole', async () => {
    const h = await harness({});
    const user = await signedIn(h);
    expect((await keyStatus(h, user.token)).body.current).toBe(true);

    await injectFault(h.simulator.url, { api: 'resetusersessionkey', delayMs: 2 * TIMEOUT_MS });
    const response = await call(h.server.url, 'POST', '/api/wechat/session-key/reset', { token: user.token });
    expect(response.status).toBe(504);
    expect(response.body.error.code).toBe('WECHAT_TIMEOUT');

    // WeChat rotates the key once its delay is over; our stored key is then stale, and says so rather than failing.
    await sleep(2 * TIMEOUT_MS);
    const deadline = Date.now() + 10_000;
    let status = await keyStatus(h, user.token);
    while (status.body.current !== false && Date.now() < deadline) {
      await sleep(100);
      status = await keyStatus(h, user.token);
    }
    expect(status.status).toBe(200);
    expect(status.body.current).toBe(false);
    const again = await call(h.server.url, 'POST', '/api/wechat/session-key/reset', { token: user.token });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('SESSION_KEY_EXPIRED');

    // The documented way out: wx.login again, and the new session's key is current.
    const relogin = await signedIn(h, user.openid);
    expect((await keyStatus(h, relogin.token)).body.current).toBe(true);
  });
});
