import type { CallbackMiniProgramApi } from '../../src/client/index.js';
import { APP_A, mintCode } from '../support/harness.js';

const WX_METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT'];
/** wx.request fails the request over this many in flight. */
const WX_MAX_IN_FLIGHT = 10;

export interface FakeWx extends CallbackMiniProgramApi {
  /** Every wx.request as "METHOD /path", in the order sent. */
  readonly requests: string[];
  /** wx.login calls. */
  logins: number;
  /** Most wx.requests ever in flight together. */
  maxInFlight: number;
  readonly storage: Map<string, unknown>;
  /** The simulated WeChat user (known after the first wx.login). */
  openid: string | undefined;
  /** The session_key WeChat holds now for that user, as the last minted code carried. */
  sessionKey: string | undefined;
  /** How many of a path's requests were sent. */
  count(pathAndMethod: string): number;
}

export interface FakeWxOptions {
  appid?: string;
  /**
   * true: wx.login keeps the user's current session_key, as WeChat does for logins within its minimum rotation
   * period. false (the simulator's default): every wx.login rotates it.
   */
  keepSessionKey?: boolean;
  /** Holds each response this long, so concurrent requests really overlap. */
  delayMs?: number;
}

/**
 * A `wx` for tests: `login` mints a code at the simulator for one WeChat user, `request` is real HTTP, storage is a
 * Map holding JSON copies (getStorageSync of a missing key is '', as in wx). It fails like wx does: over 10 requests
 * in flight, or a method wx.request does not have.
 */
export function fakeWx(simulatorUrl: string, options: FakeWxOptions = {}): FakeWx {
  let inFlight = 0;
  const wx: FakeWx = {
    requests: [],
    logins: 0,
    maxInFlight: 0,
    storage: new Map(),
    openid: undefined,
    sessionKey: undefined,
    count: (entry) => wx.requests.filter((r) => r === entry).length,

    login(option) {
      wx.logins += 1;
      const keep = options.keepSessionKey === true && wx.sessionKey !== undefined ? { sessionKey: wx.sessionKey } : {};
      mintCode(simulatorUrl, {
        appid: options.appid ?? APP_A.appid,
        ...(wx.openid === undefined ? {} : { openid: wx.openid }),
        ...keep,
      }).then(
        (minted) => {
          wx.openid = minted.openid;
          wx.sessionKey = minted.sessionKey;
          option.success?.({ code: minted.code });
        },
        (error: unknown) => option.fail?.({ errMsg: `login:fail ${String(error)}` }),
      );
    },

    request(option) {
      const method = option.method ?? 'GET';
      const url = new URL(option.url);
      wx.requests.push(`${method} ${url.pathname}`);
      if (!WX_METHODS.includes(method)) {
        setTimeout(() => option.fail?.({ errMsg: `request:fail invalid method ${method}` }), 0);
        return;
      }
      if (inFlight >= WX_MAX_IN_FLIGHT) {
        setTimeout(() => option.fail?.({ errMsg: 'request:fail exceed max task count' }), 0);
        return;
      }
      inFlight += 1;
      wx.maxInFlight = Math.max(wx.maxInFlight, inFlight);
      const data = option.data;
      let body: string | undefined;
      if (method === 'GET' && data !== undefined && typeof data === 'object' && !(data instanceof ArrayBuffer)) {
        for (const [key, value] of Object.entries(data)) url.searchParams.set(key, String(value));
      } else if (data !== undefined) {
        body = typeof data === 'string' ? data : JSON.stringify(data);
      }
      fetch(url, { method, headers: option.header ?? {}, ...(body === undefined ? {} : { body }) })
        .then(async (response) => {
          const text = await response.text();
          await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
          let parsed: unknown = text;
          try {
            parsed = option.dataType === 'json' && text !== '' ? JSON.parse(text) : text;
          } catch {
            // wx leaves a body that is not JSON as a string.
          }
          inFlight -= 1;
          option.success?.({ statusCode: response.status, data: parsed, header: Object.fromEntries(response.headers) });
        })
        .catch((error: unknown) => {
          inFlight -= 1;
          option.fail?.({ errMsg: `request:fail ${String((error as Error).cause ?? error)}` });
        });
    },

    getStorageSync: (key) => (wx.storage.has(key) ? structuredClone(wx.storage.get(key)) : ''),
    setStorageSync: (key, value) => void wx.storage.set(key, structuredClone(value)),
    removeStorageSync: (key) => void wx.storage.delete(key),
  };
  return wx;
}
