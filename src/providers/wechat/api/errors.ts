import type { WechatApiName } from './wire.js';

/** WeChat answered with a non-zero errcode. */
export class WechatApiError extends Error {
  override readonly name = 'WechatApiError';
  readonly api: WechatApiName;
  readonly errcode: number;
  readonly errmsg: string;
  /** WeChat's request id from the errmsg, for support tickets; undefined when WeChat gave none. */
  readonly rid: string | undefined;

  constructor(api: WechatApiName, errcode: number, errmsg: string) {
    super(`WeChat ${api} failed with errcode ${errcode}: ${errmsg}`);
    this.api = api;
    this.errcode = errcode;
    this.errmsg = errmsg;
    this.rid = extractRid(errmsg);
  }
}

export type WechatTransportFailure = 'timeout' | 'network' | 'bad_response';

/** WeChat could not be reached in time, or answered something that is not a WeChat answer. */
export class WechatTransportError extends Error {
  override readonly name = 'WechatTransportError';
  readonly api: WechatApiName;
  readonly failure: WechatTransportFailure;

  constructor(api: WechatApiName, failure: WechatTransportFailure, message: string, options: { cause?: unknown } = {}) {
    super(`WeChat ${api}: ${message}`, options);
    this.api = api;
    this.failure = failure;
  }
}

/** `..., rid: 6571a2b3-1c2d3e4f-5a6b7c8d` (current) or `hints: [ req_id: AbCd ]` (older). */
export function extractRid(errmsg: string): string | undefined {
  return /rid: ([\w-]+)/.exec(errmsg)?.[1] ?? /req_id: ([\w-]+)/.exec(errmsg)?.[1];
}
