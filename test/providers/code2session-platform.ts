import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SessionAccount } from '../../src/core/identity-provider.js';
import { WeappAuthError } from '../../src/lib/errors.js';
import type { PlatformTransport } from '../../src/providers/code2session/api/request.js';
import type { AppCredentials, CodeSessionProvider } from '../../src/providers/code2session/miniprogram/provider.js';
import type { RunningPlatformSimulator } from '../../src/providers/code2session/simulator/platform-simulator.js';
import { rejectionOf } from '../support/rejection.js';
import { defineProviderConformance } from './provider-conformance.js';

/** One code→session platform as the shared tests drive it: its provider, its simulator, and its own error values. */
export interface Code2SessionPlatform {
  name: string;
  apps: [AppCredentials, AppCredentials];
  provider(transport: PlatformTransport, apps: readonly AppCredentials[]): CodeSessionProvider;
  start(options: { apps: AppCredentials[] }): Promise<RunningPlatformSimulator>;
  /** The simulated API the login calls, by its fault name. */
  api: string;
  unionKeys: boolean;
  sessionKeyBytes: number;
  /** The platform's own error values and the code each must become. */
  errors: { error: string | number; code: string }[];
  /** Its documented busy error, retried; undefined where it documents none. */
  busy?: string | number;
  /** Code lifetime, seconds. */
  codeLifetimeSeconds: number;
  unavailable: string;
  timeout: string;
  credentialsRejected: string;
  badResponse: string;
  /** Whether its encryptedData names the app it was made for (a watermark or Baidu's app-key tail). */
  marksApp: boolean;
}

async function control(url: string, path: string, json?: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/control${path}`, {
    method: 'POST',
    headers: json === undefined ? {} : { 'content-type': 'application/json' },
    body: json === undefined ? null : JSON.stringify(json),
  });
  if (response.status >= 300) throw new Error(`control ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
}

/** The tests every code→session platform shares: conformance, every error mapped, retries, encryptedData and phones. */
export function defineCode2SessionPlatformTests(platform: Code2SessionPlatform): void {
  const [appA, appB] = platform.apps;
  let simulator: RunningPlatformSimulator;
  const mint = async (app: string, user: { subject?: string; unionKey?: string; secret?: string } = {}) => {
    const minted = await control(simulator.url, '/codes', {
      appid: app,
      subject: user.subject,
      unionid: user.unionKey,
      sessionKey: user.secret,
    });
    return { code: minted.code as string, subject: minted.subject as string, sessionKey: minted.sessionKey as string };
  };

  defineProviderConformance(`${platform.name} mini program`, {
    async open() {
      simulator = await platform.start({ apps: [appA, appB] });
      const provider = platform.provider({ baseUrl: simulator.url, timeoutMs: 2_000, retries: 1 }, [appA, appB]);
      return { provider, close: () => simulator.close() };
    },
    mint,
    has: { union: platform.unionKeys },
    secretBytes: platform.sessionKeyBytes,
  });

  describe(`${platform.name} mini program provider over HTTP`, () => {
    let sim: RunningPlatformSimulator;
    let provider: CodeSessionProvider;
    const calls: string[] = [];
    const login = async (app = appA.appid) => {
      const minted = await control(sim.url, '/codes', { appid: app });
      return provider.exchange(app, { code: minted.code as string });
    };
    const fault = (json: object) => control(sim.url, '/faults', { api: platform.api, ...json });
    const codeOf = async (promise: Promise<unknown>) => (await rejectionOf(promise, WeappAuthError)).code;

    beforeAll(async () => {
      sim = await platform.start({ apps: [appA, appB] });
      provider = platform.provider({ baseUrl: sim.url, timeoutMs: 500, retries: 2, observe: (call) => calls.push(call.outcome) }, [
        appA,
        appB,
      ]);
    });
    afterAll(async () => sim?.close());
    beforeEach(async () => {
      await control(sim.url, '/reset');
      calls.length = 0;
    });

    it.each(platform.errors)('maps the platform error $error to $code', async ({ error, code }) => {
      await fault({ error, times: 3 });
      expect(await codeOf(login())).toBe(code);
    });

    it('maps an error it does not know to the platform’s bad-response code, naming the error in the details', async () => {
      await fault({ error: 987654 });
      const error = await rejectionOf(login(), WeappAuthError);
      expect(error.code).toBe(platform.badResponse);
      expect(error.details).toEqual({ platformError: '987654' });
    });

    it.runIf(platform.busy !== undefined)('retries a busy answer and succeeds, and gives up after its retries', async () => {
      await fault({ error: platform.busy, times: 2 });
      expect((await login()).provider).toBe(platform.name.toLowerCase());
      expect(calls).toEqual([String(platform.busy), String(platform.busy), 'ok']);
      await fault({ error: platform.busy, times: 3 });
      expect(await codeOf(login())).toBe(platform.unavailable);
    });

    it('retries a server error page, then answers the platform’s unavailable code', async () => {
      await fault({ body: '<html>502 Bad Gateway</html>', times: 3 });
      expect(await codeOf(login())).toBe(platform.unavailable);
      expect(calls).toEqual(['bad_answer', 'bad_answer', 'bad_answer']);
    });

    it('answers the platform’s timeout code when no answer comes in time', async () => {
      await fault({ delayMs: 2_000 });
      expect(await codeOf(login())).toBe(platform.timeout);
    });

    it('answers the unavailable code when the platform cannot be reached', async () => {
      const closed = await platform.start({ apps: [appA, appB] });
      await closed.close();
      const unreachable = platform.provider({ baseUrl: closed.url, timeoutMs: 500, retries: 0 }, [appA]);
      expect(await codeOf(unreachable.exchange(appA.appid, { code: 'x'.repeat(32) }))).toBe(platform.unavailable);
    });

    it('answers the credentials code when the platform refuses our secret, quoting none of it', async () => {
      const wrong = platform.provider({ baseUrl: sim.url, timeoutMs: 500, retries: 0 }, [{ ...appA, secret: 'not-the-secret-0000' }]);
      const minted = await control(sim.url, '/codes', { appid: appA.appid });
      const error = await rejectionOf(wrong.exchange(appA.appid, { code: minted.code as string }), WeappAuthError);
      expect(error.code).toBe(platform.credentialsRejected);
      expect(JSON.stringify([error.message, error.details, String(error.cause)])).not.toContain('not-the-secret-0000');
    });

    it('refuses a code past its lifetime, and a missing code, as INVALID_CODE', async () => {
      const minted = await control(sim.url, '/codes', { appid: appA.appid });
      await control(sim.url, '/clock', { advanceSeconds: platform.codeLifetimeSeconds });
      expect(await codeOf(provider.exchange(appA.appid, { code: minted.code as string }))).toBe('INVALID_CODE');
      expect(await codeOf(provider.exchange(appA.appid, {}))).toBe('INVALID_CODE');
    });

    describe('encryptedData and phone numbers', () => {
      async function session(app = appA.appid): Promise<SessionAccount> {
        const minted = await control(sim.url, '/codes', { appid: app });
        const identity = await provider.exchange(app, { code: minted.code as string });
        const base = { userId: 'u1', sessionId: 's1', provider: provider.id, app, subject: identity.subject };
        return { ...base, secret: identity.secret, secretUpdatedAt: 1 };
      }

      it('opens the phone button’s encryptedData with the session_key of the login', async () => {
        const account = await session();
        const proof = await control(sim.url, '/phone', { appid: appA.appid, subject: account.subject, phoneNumber: '13800138000' });
        expect(await provider.phoneNumber(account, proof as { encryptedData: string; iv: string })).toEqual({
          phoneNumber: '13800138000',
          purePhoneNumber: '13800138000',
          countryCode: '86',
        });
      });

      it('decrypts other encryptedData and checks whose it is', async () => {
        const account = await session();
        const mine = await control(sim.url, '/encrypt', { appid: appA.appid, subject: account.subject, data: { stepCount: 42 } });
        expect(await provider.decrypt(account, mine as { encryptedData: string; iv: string })).toMatchObject({ stepCount: 42 });
        const someoneElse = await control(sim.url, '/encrypt', {
          appid: appA.appid,
          subject: account.subject,
          data: { openId: 'another-user' },
        });
        expect(await codeOf(provider.decrypt(account, someoneElse as { encryptedData: string; iv: string }))).toBe('DATA_OWNER_MISMATCH');
      });

      it.runIf(platform.marksApp)('refuses data made for another app under the same session_key', async () => {
        const account = await session();
        // The same user and key in app B: the data opens, but names app B.
        const inB = await control(sim.url, '/codes', { appid: appB.appid, subject: account.subject, sessionKey: account.secret });
        expect(inB.sessionKey).toBe(account.secret);
        const forB = await control(sim.url, '/encrypt', { appid: appB.appid, subject: account.subject, data: { a: 1 } });
        expect(await codeOf(provider.decrypt(account, forB as { encryptedData: string; iv: string }))).toBe('WATERMARK_MISMATCH');
      });

      it('says why data does not open: a later login replaced the key, damage in transit, malformed input', async () => {
        const account = await session();
        const before = (await control(sim.url, '/phone', { appid: appA.appid, subject: account.subject, phoneNumber: '13800138000' })) as {
          encryptedData: string;
          iv: string;
        };
        await control(sim.url, '/codes', { appid: appA.appid, subject: account.subject });
        const fresh = (await control(sim.url, '/encrypt', {
          appid: appA.appid,
          subject: account.subject,
          data: { a: 1 },
        })) as typeof before;
        const stale = await rejectionOf(provider.decrypt(account, fresh), WeappAuthError);
        expect([stale.code, stale.details]).toEqual(['DECRYPT_FAILED', { hint: 'stale_or_damaged' }]);
        const spaced = await rejectionOf(
          provider.decrypt(account, { ...before, encryptedData: before.encryptedData.replace(/\+/g, ' ') + ' ' }),
          WeappAuthError,
        );
        expect([spaced.code, spaced.details]).toEqual(['DECRYPT_FAILED', { hint: 'spaces_in_base64' }]);
        expect(await codeOf(provider.decrypt(account, { ...before, iv: 'AAAA' }))).toBe('VALIDATION_FAILED');
        expect(await codeOf(provider.decrypt({ ...account, secret: undefined, secretUpdatedAt: undefined }, before))).toBe(
          'SESSION_KEY_EXPIRED',
        );
      });

      it('takes the phone only as encryptedData and iv, and refuses data that holds no phone number', async () => {
        const account = await session();
        expect(await codeOf(provider.phoneNumber(account, { code: 'a-phone-code' }))).toBe('PHONE_UNSUPPORTED');
        const other = await control(sim.url, '/encrypt', { appid: appA.appid, subject: account.subject, data: { a: 1 } });
        const error = await rejectionOf(provider.phoneNumber(account, other as { encryptedData: string; iv: string }), WeappAuthError);
        expect([error.code, error.details]).toEqual(['DECRYPT_FAILED', { hint: 'not_phone_data' }]);
      });
    });
  });
}
