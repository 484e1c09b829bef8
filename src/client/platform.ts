import type { LoginRequest, PhoneRequest } from '../contract/api.js';

/** The HTTP methods wx.request accepts. There is no PATCH: WeChat refuses it, so the SDK's types refuse it too. */
export type HttpMethod = 'OPTIONS' | 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'TRACE' | 'CONNECT';

export interface PlatformRequest {
  url: string;
  method: HttpMethod;
  data?: string | Record<string, unknown> | ArrayBuffer;
  header: Record<string, string>;
  timeout?: number;
}

/** What came back from the server, whatever its status: only a transport failure rejects. */
export interface PlatformResponse {
  statusCode: number;
  data: unknown;
  header: Record<string, unknown>;
}

/** What a platform's login gives: its one-time code, and on Douyin the device's anonymousCode (alone for a guest). */
export type LoginCredential = Pick<LoginRequest, 'code' | 'anonymousCode'>;

export interface LoginOptions {
  /**
   * Douyin: ask the user to log in to the host app when they are not (tt.login `force: true`). Without it a user
   * who is not logged in gets only an anonymousCode and becomes a guest. Other platforms ignore it.
   */
  force?: boolean;
}

/** `e.detail` of the phone button (`bindgetphonenumber` on WeChat, Douyin, QQ, Baidu, Kuaishou). */
export interface PhoneButtonDetail {
  errMsg?: string;
  /** The current way (WeChat base library ≥ 2.21.2, Douyin): a one-time code the server exchanges. */
  code?: string;
  /** The legacy way: data only the session_key of the latest login opens. */
  encryptedData?: string;
  iv?: string;
}

/**
 * The few platform services the SDK needs, in one shape for every mini program runtime. `send` rejects only when
 * no HTTP answer arrived (network down, DNS, timeout) with a `PlatformFailure`.
 */
export interface Platform {
  /**
   * The server's identity provider for this runtime's logins (`wechat`, `douyin`, `alipay`, `qq`, `baidu`,
   * `kuaishou`); absent: the server's default (WeChat).
   */
  readonly provider?: string;
  send(request: PlatformRequest): Promise<PlatformResponse>;
  /** A fresh login credential; a string is a code. */
  login(options?: LoginOptions): Promise<string | LoginCredential>;
  /** The body of `POST /api/me/phone` for the phone button's event; absent: taken from `detail` as it is. */
  phoneProof?(detail: PhoneButtonDetail): Promise<PhoneRequest>;
  getItem(key: string): unknown;
  setItem(key: string, value: unknown): void;
  removeItem(key: string): void;
}

/** A platform call that reported `fail`; the message is the platform's own text (e.g. "request:fail timeout"). */
export class PlatformFailure extends Error {
  override readonly name = 'PlatformFailure';
}

/** Most platforms report failures as `{errMsg}`, Alipay as `{error, errorMessage}`; anything else as well as we can. */
export function platformFailure(error: unknown): PlatformFailure {
  const e = error as { errMsg?: unknown; errorMessage?: unknown; error?: unknown } | null;
  if (typeof e?.errMsg === 'string') return new PlatformFailure(e.errMsg);
  if (typeof e?.errorMessage === 'string') return new PlatformFailure(`${e.errorMessage} (error ${String(e.error)})`);
  return new PlatformFailure(String(error));
}
