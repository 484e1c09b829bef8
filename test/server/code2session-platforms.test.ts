import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../src/contract/errors/index.js';
import type { RunningPlatformSimulator } from '../../src/providers/code2session/simulator/platform-simulator.js';
import type { Code2SessionPlatform } from '../providers/code2session-platform.js';
import { BAIDU_PLATFORM, KUAISHOU_PLATFORM, QQ_PLATFORM } from '../support/code2session-platforms.js';
import { call, type JsonResponse, signIn, useHarness } from '../support/harness.js';

/**
 * QQ, Baidu and Kuaishou through the real server on the real database: each platform's variables point at a
 * standalone simulator of it, so the server runs as a deployment would (not in simulator mode).
 */
const PLATFORMS: readonly Code2SessionPlatform[] = [QQ_PLATFORM, BAIDU_PLATFORM, KUAISHOU_PLATFORM];
const simulators = new Map<string, RunningPlatformSimulator>();

beforeAll(async () => {
  for (const platform of PLATFORMS) simulators.set(platform.name, await platform.start({ apps: [...platform.apps] }));
});
afterAll(async () => {
  for (const simulator of simulators.values()) await simulator.close();
});

const idOf = (platform: Code2SessionPlatform): string => platform.name.toLowerCase();

const h = useHarness(() =>
  Object.fromEntries(
    PLATFORMS.flatMap((platform) => {
      const prefix = platform.name.toUpperCase();
      return [
        [`${prefix}_APPS`, platform.apps.map((app) => `${app.appid}:${app.secret}`).join(',')],
        [`${prefix}_API_BASE`, simulators.get(platform.name)?.url ?? ''],
        [`${prefix}_TIMEOUT_MS`, '1000'],
        [`${prefix}_RETRIES`, '0'],
      ];
    }),
  ),
);

function rows(): { users: number; accounts: number; unions: number; sessions: number } {
  return { users: h.count('users'), accounts: h.count('accounts'), unions: h.count('union_identities'), sessions: h.count('sessions') };
}

describe.each(PLATFORMS)('$name mini programs through the server', (platform) => {
  const [appA, appB] = platform.apps;
  const simulator = (): string => simulators.get(platform.name)?.url ?? '';
  const control = async (path: string, json: object): Promise<JsonResponse> => call(simulator(), 'POST', `/control${path}`, { json });
  const mint = async (user: { appid?: string; subject?: string; unionid?: string } = {}): Promise<{ code: string; subject: string }> => {
    const minted = await control('/codes', { appid: appA.appid, ...user });
    expect(minted.status).toBe(200);
    return minted.body;
  };
  const login = (code: string, appid = appA.appid): Promise<JsonResponse> =>
    call(h.server.url, 'POST', '/api/auth/login', { json: { provider: idOf(platform), appid, code } });
  const loggedIn = async (user: { appid?: string; subject?: string; unionid?: string } = {}) => {
    const minted = await mint(user);
    const response = await login(minted.code, user.appid);
    expect(response.status).toBe(200);
    return { subject: minted.subject, token: response.body.accessToken as string, userId: response.body.user.id as string };
  };

  it('makes a user at the first login and finds them again at the next, with tokens naming the platform', async () => {
    const first = await mint();
    const created = await login(first.code);
    expect({ status: created.status, isNewUser: created.body.isNewUser }).toEqual({ status: 200, isNewUser: true });
    const claims = JSON.parse(Buffer.from(created.body.accessToken.split('.')[1], 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ idp: idOf(platform), aud: appA.appid, sub: created.body.user.id });

    const again = await login((await mint({ subject: first.subject })).code);
    expect({ status: again.status, isNewUser: again.body.isNewUser, user: again.body.user.id }).toEqual({
      status: 200,
      isNewUser: false,
      user: created.body.user.id,
    });
    // No secret of the platform's in what the client gets.
    expect(JSON.stringify(again.body)).not.toMatch(/session_?key/i);
  });

  it.each(platform.errors)('answers the platform’s $error as $code with its status, writing nothing', async ({ error, code }) => {
    const minted = await mint();
    const before = rows();
    expect((await control('/faults', { api: platform.api, error, times: 1 })).status).toBe(204);
    const refused = await login(minted.code);
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({
      status: ERROR_STATUS[code as keyof typeof ERROR_STATUS],
      code,
    });
    expect(typeof refused.body.error.message).toBe('string');
    expect(rows()).toEqual(before);
  });

  it('refuses a code the platform never gave as INVALID_CODE, writing nothing', async () => {
    const before = rows();
    const refused = await login('not-a-code-the-platform-gave');
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 400, code: 'INVALID_CODE' });
    expect(rows()).toEqual(before);
  });

  it('makes one user of twenty first logins racing for one subject', async () => {
    const first = await mint();
    const codes = [
      first.code,
      ...(await Promise.all(Array.from({ length: 19 }, () => mint({ subject: first.subject })))).map((m) => m.code),
    ];
    const before = rows();
    const answers = await Promise.all(codes.map((code) => login(code)));
    expect(answers.map((answer) => answer.status)).toEqual(codes.map(() => 200));
    expect(new Set(answers.map((answer) => answer.body.user.id)).size).toBe(1);
    expect(answers.filter((answer) => answer.body.isNewUser)).toHaveLength(1);
    const after = rows();
    expect({ users: after.users - before.users, accounts: after.accounts - before.accounts }).toEqual({ users: 1, accounts: 1 });
  });

  it('binds the phone number its button gives as encryptedData + iv (POST /api/me/phone)', async () => {
    const user = await loggedIn();
    const sealed = await control('/phone', { appid: appA.appid, subject: user.subject, phoneNumber: '13800001234' });
    expect(sealed.status).toBe(200);
    const bound = await call(h.server.url, 'POST', '/api/me/phone', {
      token: user.token,
      json: { encryptedData: sealed.body.encryptedData, iv: sealed.body.iv },
    });
    expect({ status: bound.status, phone: bound.body.purePhoneNumber }).toEqual({ status: 200, phone: '13800001234' });
    const me = await call(h.server.url, 'GET', '/api/me', { token: user.token });
    expect({ phoneBound: me.body.phoneBound, phone: me.body.phone?.purePhoneNumber }).toEqual({ phoneBound: true, phone: '13800001234' });

    // A phone code is WeChat's and Douyin's way, not this platform's.
    const byCode = await call(h.server.url, 'POST', '/api/me/phone', { token: user.token, json: { code: 'some-phone-code' } });
    expect({ status: byCode.status, code: byCode.body.error.code }).toEqual({ status: 400, code: 'PHONE_UNSUPPORTED' });
  });

  it('opens the session’s encryptedData (POST /api/me/decrypt) and says why damaged data does not open', async () => {
    const user = await loggedIn();
    const sealed = await control('/encrypt', { appid: appA.appid, subject: user.subject, data: { stepCount: 4242 } });
    const opened = await call(h.server.url, 'POST', '/api/me/decrypt', { token: user.token, json: sealed.body });
    expect({ status: opened.status, steps: opened.body.stepCount }).toEqual({ status: 200, steps: 4242 });

    const damaged = { ...sealed.body, encryptedData: `${sealed.body.encryptedData.slice(0, 8)} ${sealed.body.encryptedData.slice(9)}` };
    const refused = await call(h.server.url, 'POST', '/api/me/decrypt', { token: user.token, json: damaged });
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 400, code: 'DECRYPT_FAILED' });

    // Data sealed for another of its apps is not this session's.
    const other = await control('/codes', { appid: appB.appid, subject: user.subject });
    expect(other.status).toBe(200);
    const forB = await control('/encrypt', { appid: appB.appid, subject: user.subject, data: { stepCount: 1 } });
    const foreign = await call(h.server.url, 'POST', '/api/me/decrypt', { token: user.token, json: forB.body });
    expect(foreign.status).toBeGreaterThanOrEqual(400);
    expect(foreign.status).toBeLessThan(500);
  });

  if (platform.unionKeys) {
    it('joins its apps by unionid into one user, and never a WeChat user with an equal unionid string', async () => {
      const unionid = `union${Date.now()}`;
      const inA = await loggedIn({ appid: appA.appid, unionid });
      const inB = await loggedIn({ appid: appB.appid, unionid });
      expect(inB.userId).toBe(inA.userId);
      const wechat = await signIn(h, { unionid });
      expect(wechat.tokens.user.id).not.toBe(inA.userId);
    });
  } else {
    it('keeps a user of one of its apps apart from a user of another app (no union key to join them)', async () => {
      const inA = await loggedIn({ appid: appA.appid });
      const inB = await loggedIn({ appid: appB.appid, subject: inA.subject });
      expect(inB.userId).not.toBe(inA.userId);
    });
  }
});
