/**
 * Test doubles of the mini program hosts' client APIs (which cannot run here), each shaped as its platform documents
 * it: the callbacks, the option and answer names, the storage calls. Their requests are real HTTP; their logins hand
 * out codes minted at a simulator by `mint`. See docs/client.md for the documentation each shape follows.
 */
import type { AlipayApi, BaiduApi, CallbackMiniProgramApi, DouyinApi, PromiseMiniProgramApi, UniApi } from '../../src/client/index.js';

/** What a host's login answers, as the simulator minted it. */
export interface Minted {
  code?: string;
  anonymousCode?: string;
}

export type Mint = () => Promise<Minted>;

/** What every fake keeps for assertions. */
export interface HostRecord {
  /** Every request as "METHOD /path". */
  readonly requests: string[];
  /** The JSON bodies sent to /api/auth/login, in order. */
  readonly logins: Record<string, unknown>[];
  /** The options each login call got (without callbacks). */
  readonly loginOptions: Record<string, unknown>[];
  readonly storage: Map<string, unknown>;
}

function record(): HostRecord {
  return { requests: [], logins: [], loginOptions: [], storage: new Map() };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  data: unknown;
}

/** The HTTP exchange every host does alike: GET data as the query, other data as the body; `json` parses the answer. */
async function exchange(
  host: HostRecord,
  url: string,
  method: string,
  headers: Record<string, string>,
  data: unknown,
  json: boolean,
): Promise<Answer> {
  const target = new URL(url);
  host.requests.push(`${method} ${target.pathname}`);
  let body: string | undefined;
  if (method === 'GET' && data !== undefined && typeof data === 'object') {
    for (const [key, value] of Object.entries(data as Record<string, unknown>)) target.searchParams.set(key, String(value));
  } else if (data !== undefined) {
    body = typeof data === 'string' ? data : JSON.stringify(data);
  }
  if (target.pathname === '/api/auth/login' && body !== undefined) host.logins.push(JSON.parse(body) as Record<string, unknown>);
  const response = await fetch(target, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown = text;
  if (json && text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      // Hosts leave a body that is not JSON as a string.
    }
  }
  return { status: response.status, headers: Object.fromEntries(response.headers), data: parsed };
}

function loginOptionsOf(option: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(option).filter(([, value]) => typeof value !== 'function'));
}

/** wx.request's shape, which tt, qq, swan, ks and uni share: `header` in, `statusCode`/`header` out, every status to success. */
function wxLikeHost(host: HostRecord): Pick<CallbackMiniProgramApi, 'request' | 'getStorageSync' | 'setStorageSync' | 'removeStorageSync'> {
  return {
    request(option) {
      exchange(host, option.url, option.method ?? 'GET', option.header ?? {}, option.data, option.dataType === 'json').then(
        (answer) => option.success?.({ statusCode: answer.status, header: answer.headers, data: answer.data }),
        (error: unknown) => option.fail?.({ errMsg: `request:fail ${String((error as Error).cause ?? error)}` }),
      );
    },
    // A missing key reads as '' (tt documents it; wx, qq, swan and ks do the same).
    getStorageSync: (key) => (host.storage.has(key) ? structuredClone(host.storage.get(key)) : ''),
    setStorageSync: (key, value) => void host.storage.set(key, structuredClone(value)),
    removeStorageSync: (key) => void host.storage.delete(key),
  };
}

/** A login with wx's callbacks that hands out the minted code, as wx/qq/ks.login and swan.getLoginCode do. */
function codeLogin(host: HostRecord, mint: Mint) {
  return (option: { success?(result: { code: string }): void; fail?(error: { errMsg: string }): void }): void => {
    host.loginOptions.push(loginOptionsOf(option));
    mint().then(
      (minted) => option.success?.({ code: minted.code ?? '' }),
      (error: unknown) => option.fail?.({ errMsg: `login:fail ${String(error)}` }),
    );
  };
}

/** `qq` and `ks`: wx's shape; `login` answers `{code}`. */
export function fakeWxLike(mint: Mint): CallbackMiniProgramApi & HostRecord {
  const host = record();
  return Object.assign(host, wxLikeHost(host), { login: codeLogin(host, mint) });
}

/** Baidu's `swan`: `getLoginCode` answers `{code}`; `login` is deprecated and not offered. */
export function fakeSwan(mint: Mint): BaiduApi & HostRecord {
  const host = record();
  return Object.assign(host, wxLikeHost(host), {
    getLoginCode: codeLogin(host, mint),
    login: () => {
      throw new Error('swan.login is deprecated: use swan.getLoginCode');
    },
  });
}

/**
 * Douyin's `tt.login({force})`: `code` only for a user logged in to the host, `anonymousCode` always. `loggedIn`
 * says whether the user is; `force: true` (the default) logs them in, as the host's login dialog would.
 */
export function fakeTt(mint: (loggedIn: boolean) => Promise<Minted>, state: { loggedIn: boolean }): DouyinApi & HostRecord {
  const host = record();
  return Object.assign(host, wxLikeHost(host), {
    login(option: Parameters<DouyinApi['login']>[0]) {
      host.loginOptions.push(loginOptionsOf(option));
      if (option.force !== false) state.loggedIn = true;
      mint(state.loggedIn).then(
        (minted) => option.success?.({ ...minted, isLogin: state.loggedIn }),
        (error: unknown) => option.fail?.({ errMsg: `login:fail ${String(error)}` }),
      );
    },
  });
}

/**
 * Alipay's `my`: `my.request` takes `headers`, answers `status`/`headers`, and sends a non-2xx answer to `fail`
 * as error 19 with its status and data; storage takes objects; `my.getAuthCode` answers `authCode`;
 * `my.getPhoneNumber` answers `response`.
 */
export function fakeMy(mint: Mint, phone: () => Promise<{ response: string } | null> = async () => null): AlipayApi & HostRecord {
  const host = record();
  const api: AlipayApi = {
    request(option) {
      exchange(host, option.url, option.method ?? 'GET', option.headers ?? {}, option.data, option.dataType === 'json').then(
        (answer) => {
          const result = { status: answer.status, headers: answer.headers, data: answer.data };
          if (answer.status >= 200 && answer.status < 300) option.success?.(result);
          else option.fail?.({ error: 19, errorMessage: 'HTTP错误', ...result });
        },
        () => option.fail?.({ error: 12, errorMessage: '网络出错' }),
      );
    },
    getAuthCode(option) {
      host.loginOptions.push(loginOptionsOf(option));
      mint().then(
        (minted) => option.success?.({ authCode: minted.code ?? '' }),
        () => option.fail?.({ error: 11, errorMessage: '用户取消授权' }),
      );
    },
    getPhoneNumber(option) {
      phone().then((answer) => (answer === null ? option.fail?.({ error: 11, errorMessage: '用户取消授权' }) : option.success?.(answer)));
    },
    getStorageSync: ({ key }) => ({ data: host.storage.has(key) ? structuredClone(host.storage.get(key)) : null }),
    setStorageSync: ({ key, data }) => void host.storage.set(key, structuredClone(data)),
    removeStorageSync: ({ key }) => void host.storage.delete(key),
  };
  return Object.assign(host, api);
}

/** uni-app's `uni` compiled for `target` ('mp-toutiao', …): wx's shape, uni.login passing the host's answer through. */
export function fakeUni(mint: Mint, target: string): UniApi & HostRecord {
  const host = record();
  return Object.assign(host, wxLikeHost(host), {
    login(option: Parameters<UniApi['login']>[0]) {
      host.loginOptions.push(loginOptionsOf(option));
      mint().then(
        (minted) => option.success?.(minted),
        (error: unknown) => option.fail?.({ errMsg: `login:fail ${String(error)}` }),
      );
    },
    getSystemInfoSync: () => ({ uniPlatform: target }),
  });
}

/** `Taro` built for `env` ('TT', 'ALIPAY', …): promises; Taro.request resolves for every status. */
export function fakeTaro(mint: Mint, env: string): PromiseMiniProgramApi & HostRecord {
  const host = record();
  const storage = wxLikeHost(host);
  return Object.assign(host, {
    request: async (option: Parameters<PromiseMiniProgramApi['request']>[0]) => {
      const answer = await exchange(
        host,
        option.url,
        option.method ?? 'GET',
        option.header ?? {},
        option.data,
        option.dataType === 'json',
      ).catch((error: unknown) => Promise.reject({ errMsg: `request:fail ${String(error)}` }));
      return { statusCode: answer.status, header: answer.headers, data: answer.data };
    },
    login: async (option: Record<string, unknown> = {}) => {
      host.loginOptions.push(option);
      return mint();
    },
    getEnv: () => env,
    getStorageSync: storage.getStorageSync,
    setStorageSync: storage.setStorageSync,
    removeStorageSync: storage.removeStorageSync,
  });
}
