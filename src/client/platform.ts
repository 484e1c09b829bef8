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

/**
 * The few platform services the SDK needs, in one shape for wx, uni and Taro. `send` rejects only when no HTTP
 * answer arrived (network down, DNS, timeout) with a `PlatformFailure`.
 */
export interface Platform {
  send(request: PlatformRequest): Promise<PlatformResponse>;
  /** A fresh wx.login code. */
  login(): Promise<string>;
  getItem(key: string): unknown;
  setItem(key: string, value: unknown): void;
  removeItem(key: string): void;
}

/** A platform call that reported `fail`; `errMsg` is the platform's own text (e.g. "request:fail timeout"). */
export class PlatformFailure extends Error {
  override readonly name = 'PlatformFailure';
}

/** Platforms report failures as `{errMsg}`; anything else is shown as well as we can. */
export function platformFailure(error: unknown): PlatformFailure {
  const errMsg = (error as { errMsg?: unknown } | null)?.errMsg;
  return new PlatformFailure(typeof errMsg === 'string' ? errMsg : String(error));
}
