import { type HttpMethod, type LoginCredential, type Platform, type PlatformResponse, platformFailure } from '../platform.js';

/** The server's provider ids for the runtimes the SDK knows. */
export type ProviderId = 'wechat' | 'douyin' | 'alipay' | 'qq' | 'baidu' | 'kuaishou';

/** The request options wx, tt, qq, swan, ks, uni and Taro have in common (each adds its own callbacks or promise). */
export interface MiniProgramRequestOption {
  url: string;
  method?: HttpMethod;
  data?: string | Record<string, unknown> | ArrayBuffer;
  header?: Record<string, string>;
  timeout?: number;
  dataType?: string;
}

export interface MiniProgramResponse {
  statusCode: number;
  data: unknown;
  header: Record<string, unknown>;
}

/** The callbacks every callback-style API takes; `fail` gets `{errMsg}` (Alipay: `{error, errorMessage}`). */
export interface Callbacks<Result> {
  success?(result: Result): void;
  fail?(error: unknown): void;
}

/** A callback-style call as a promise. */
export function invoke<Result>(call: (callbacks: Required<Callbacks<Result>>) => unknown): Promise<Result> {
  return new Promise((resolve, reject) => {
    call({ success: resolve, fail: reject });
  });
}

/** Synchronous storage as wx has it (tt, qq, swan, ks, uni and Taro too; Alipay's takes objects). */
export interface SyncStorageApi {
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, data: unknown): void;
  removeStorageSync(key: string): void;
}

export function syncStorage(api: SyncStorageApi): Pick<Platform, 'getItem' | 'setItem' | 'removeItem'> {
  return {
    getItem: (key) => api.getStorageSync(key),
    setItem: (key, value) => api.setStorageSync(key, value),
    removeItem: (key) => api.removeStorageSync(key),
  };
}

/** A request's answer as the platforms spell it: `statusCode`/`header`, or Alipay's `status`/`headers`. */
export interface RawResponse {
  statusCode?: number;
  status?: number;
  data?: unknown;
  header?: Record<string, unknown>;
  headers?: Record<string, unknown>;
}

/** Only the server's JSON is expected; a body that is not JSON (a proxy's HTML page) stays a string. */
export function response(result: RawResponse): PlatformResponse {
  return { statusCode: result.statusCode ?? result.status ?? 0, data: result.data, header: result.header ?? result.headers ?? {} };
}

/**
 * The callbacks of a request: an HTTP answer resolves whatever its status. Alipay reports a non-2xx answer through
 * `fail` (error 19, "HTTP error") with its `status` and `data`: that is an answer too, not a transport failure.
 */
export function answerOrFailure(
  resolve: (value: PlatformResponse) => void,
  reject: (error: unknown) => void,
): Required<Callbacks<RawResponse>> {
  return {
    success: (result) => resolve(response(result)),
    fail: (error) => {
      const raw = error as RawResponse | null;
      if (typeof raw?.status === 'number' || typeof raw?.statusCode === 'number') {
        // Alipay may leave the body of an error answer unparsed; the server's error JSON is still JSON.
        resolve(response({ ...raw, data: parsedIfJson(raw.data) }));
      } else {
        reject(platformFailure(error));
      }
    },
  };
}

function parsedIfJson(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/** A login result of any platform as the server's credential: `code` (or Alipay's `authCode`) and `anonymousCode`. */
export function credentialOf(result: { code?: string; authCode?: string; anonymousCode?: string }): LoginCredential {
  const code = result.code || result.authCode;
  return { ...(code ? { code } : {}), ...(result.anonymousCode ? { anonymousCode: result.anonymousCode } : {}) };
}
