import { AuthClientError } from './errors.js';
import { detailOf, type PhoneButtonEvent, phoneRequestBody } from './phone.js';
import type { HttpMethod, LoginOptions, Platform, PlatformRequest } from './platform.js';
import { type CallbackMiniProgramApi, wxPlatform } from './platforms/callback.js';
import { detectPlatform } from './platforms/detect.js';
import { recoveryFor } from './recovery.js';
import { Session } from './session.js';
import { TokenStore } from './token-store.js';
import { Transport } from './transport.js';
import type { EncryptedPayload, LoginResult, PhoneNumber } from './types.js';

type Body = NonNullable<PlatformRequest['data']>;

export interface AuthClientOptions {
  /**
   * The runtime: found by itself when absent (tt, my, swan, ks, qq, then wx). `wx` as it is, or a Platform:
   * `uniPlatform(uni)`, `taroPlatform(Taro)`, `ttPlatform(tt)`, `myPlatform(my)`, …, your own.
   */
  platform?: Platform | CallbackMiniProgramApi;
  /** The weapp-auth server, e.g. `https://api.example.com` (must be in the mini program's request domains). */
  baseUrl: string;
  /**
   * Other origins that may receive the access token, e.g. `['https://shop.example.com']` for your own backend.
   * Absolute URLs elsewhere are refused with UNTRUSTED_ORIGIN unless sent with `auth: false`, so a call to a
   * third-party API can never leak the token.
   */
  trustedOrigins?: string[];
  /** Which app to log in to, whatever the platform; wins over `apps`. */
  appid?: string;
  /**
   * The app per provider id, e.g. `{ wechat: 'wx…', douyin: 'tt…', alipay: '2021…' }`: one build of the mini program
   * logs in to the app of whichever host it runs in. Absent for a provider: the server's first app of it.
   */
  apps?: Partial<Record<string, string>>;
  /** The server's provider id to log in with; default: the platform's (`wechat`, `douyin`, `alipay`, `qq`, `baidu`, `kuaishou`). */
  provider?: string;
  /** Storage key for the tokens. Default `weapp-auth:tokens`. */
  storageKey?: string;
  /** Concurrent requests the SDK lets out; wx.request allows 10 in all. Default 10; lower it if you call wx.request yourself. */
  maxConcurrentRequests?: number;
  /** Refresh this long before the access token expires (at most a quarter of its lifetime). Default 60. */
  refreshLeewaySeconds?: number;
  /** wx.request timeout, milliseconds. Default: the platform's (app.json `networkTimeout`). */
  timeout?: number;
  /** Epoch milliseconds; for tests. */
  now?: () => number;
}

export interface RequestOptions {
  /** A path on the server (`/api/orders`) or an absolute URL. */
  url: string;
  /** wx.request has no PATCH. Default GET. */
  method?: HttpMethod;
  /**
   * The body, or a function making it. A function is called again before the retry that follows a new login,
   * so payloads bound to the session_key (e.g. `wx.getWeRunData`'s encryptedData) can be made fresh.
   */
  data?: Body | (() => Body | Promise<Body>);
  header?: Record<string, string>;
  /** false: send without a token and never log in for it. Default true. */
  auth?: boolean;
  timeout?: number;
}

export interface AuthClient {
  /**
   * The platform's login + server login now (or join the one in progress). Requests log in by themselves; call this
   * for a login button. Douyin: `{ force: true }` asks a user who is not logged in to the host app to log in (a guest
   * becomes a user); without it they log in as a guest (`isGuest`).
   */
  login(options?: LoginOptions): Promise<LoginResult>;
  /** A request with the access token; renews it and retries once when the server refuses it. Resolves with the body of a 2xx. */
  request<T = unknown>(options: RequestOptions): Promise<T>;
  /**
   * Binds the user's phone number from the phone button's event (`e` or `e.detail`): WeChat, Douyin, QQ, Baidu and
   * Kuaishou's `getphonenumber` event; on Alipay, call it from the `getAuthorize` (scope phoneNumber) handler and it
   * asks my.getPhoneNumber.
   */
  bindPhone(event: PhoneButtonEvent): Promise<PhoneNumber>;
  /** The former name of bindPhone. */
  getPhoneNumber(event: PhoneButtonEvent): Promise<PhoneNumber>;
  /**
   * Opens the platform's encryptedData (e.g. wx.getWeRunData's) on the server with the session's key
   * (`POST /api/me/decrypt`). Pass a function to have a fresh payload made after a re-login (see SESSION_KEY_EXPIRED).
   */
  decrypt<T = Record<string, unknown>>(payload: EncryptedPayload | (() => EncryptedPayload | Promise<EncryptedPayload>)): Promise<T>;
  /** Ends the session on the server (best effort) and forgets the tokens. */
  logout(): Promise<void>;
  /** Whether tokens are stored (they may still turn out expired or revoked). */
  isLoggedIn(): boolean;
}

function toPlatform(platform: Platform | CallbackMiniProgramApi | undefined): Platform {
  if (platform === undefined) return detectPlatform();
  return 'send' in platform ? platform : wxPlatform(platform);
}

export function createAuthClient(options: AuthClientOptions): AuthClient {
  const platform = toPlatform(options.platform);
  const provider = options.provider ?? platform.provider;
  const transport = new Transport(
    platform,
    options.baseUrl,
    options.maxConcurrentRequests ?? 10,
    options.timeout,
    options.trustedOrigins ?? [],
  );
  const store = new TokenStore(platform, options.storageKey ?? 'weapp-auth:tokens');
  const session = new Session(transport, platform, store, {
    provider,
    appid: options.appid ?? (provider === undefined ? undefined : options.apps?.[provider]),
    refreshLeewayMs: (options.refreshLeewaySeconds ?? 60) * 1000,
    now: options.now ?? ((): number => Date.now()),
  });

  async function request<T>(call: RequestOptions): Promise<T> {
    const { data, auth, ...rest } = call;
    const method = call.method ?? 'GET';
    const body = async (): Promise<Body | undefined> => (typeof data === 'function' ? data() : data);
    const send = async (token: string | undefined, payload: Body | undefined): Promise<T> =>
      (await transport.send({
        ...rest,
        method,
        ...(token === undefined ? {} : { token }),
        ...(payload === undefined ? {} : { data: payload }),
      })) as T;

    if (auth === false) return send(undefined, await body());
    const token = await session.token();
    const loginsBefore = session.logins;
    const payload = await body();
    try {
      return await send(token, payload);
    } catch (error) {
      const recovery = recoveryFor(error);
      if (recovery === null) throw error;
      // One renewal, one retry: whatever the retry answers is the answer. Never a loop.
      const fresh = await session.renew(token, recovery === 'refresh' ? 'refresh' : 'login', loginsBefore);
      try {
        return await send(fresh, typeof data === 'function' ? await body() : payload);
      } catch (retryError) {
        // After the new login the server holds the newest key; the old payload now reads as stale or as damaged.
        const code = (retryError as AuthClientError).code;
        if (recovery === 'session-key' && typeof data !== 'function' && (code === 'SESSION_KEY_EXPIRED' || code === 'DECRYPT_FAILED')) {
          throw new AuthClientError(
            'ENCRYPTED_DATA_STALE',
            'logged in again, but this encryptedData was made with a session_key WeChat has since replaced: ask the user to tap again (or pass data as a function that fetches it anew)',
            { statusCode: 401 },
          );
        }
        throw retryError;
      }
    }
  }

  async function bindPhone(event: PhoneButtonEvent): Promise<PhoneNumber> {
    const detail = detailOf(event);
    const proof = platform.phoneProof === undefined ? phoneRequestBody(detail) : await platform.phoneProof(detail);
    return request<PhoneNumber>({ url: '/api/me/phone', method: 'POST', data: { ...proof } });
  }

  return {
    login: (loginOptions) => session.login(loginOptions),
    request,
    bindPhone,
    getPhoneNumber: bindPhone,
    decrypt: (payload) =>
      request({
        url: '/api/me/decrypt',
        method: 'POST',
        data: typeof payload === 'function' ? async () => ({ ...(await payload()) }) : { ...payload },
      }),
    async logout(): Promise<void> {
      const token = await session.tokenWithoutLogin();
      try {
        if (token !== null) await transport.send({ url: '/api/auth/logout', method: 'POST', token });
      } catch {
        // Best effort: an unreachable server or an already dead session still ends in a local logout.
      } finally {
        session.clear();
      }
    },
    isLoggedIn: () => session.hasTokens(),
  };
}
