/** WeChat-style failures: errcode plus the errmsg text WeChat uses, suffixed with a request id. */
import { ERRCODE, type WireError } from '../api/wire.js';
import { newRid } from './ids.js';

/** errmsg texts as seen in real responses (before the rid suffix). */
const ERRMSG: Readonly<Record<number, string>> = {
  [ERRCODE.SYSTEM_BUSY]: 'system error',
  [ERRCODE.INVALID_CREDENTIAL]: 'invalid credential, access_token is invalid or not latest',
  [ERRCODE.INVALID_GRANT_TYPE]: 'invalid grant_type',
  [ERRCODE.INVALID_APPID]: 'invalid appid',
  [ERRCODE.INVALID_ACCESS_TOKEN]: 'invalid access_token',
  [ERRCODE.INVALID_CODE]: 'invalid code',
  [ERRCODE.INVALID_APPSECRET]: 'invalid appsecret',
  [ERRCODE.CODE_BEEN_USED]: 'code been used',
  [ERRCODE.HIGH_RISK_USER]: 'high risk user',
  [ERRCODE.ACCESS_TOKEN_MISSING]: 'access_token missing',
  [ERRCODE.APPID_MISSING]: 'appid missing',
  [ERRCODE.APPSECRET_MISSING]: 'appsecret missing',
  [ERRCODE.CODE_MISSING]: 'missing code',
  [ERRCODE.ACCESS_TOKEN_EXPIRED]: 'access_token expired',
  [ERRCODE.DAILY_QUOTA]: 'reach max api daily quota limit',
  [ERRCODE.MINUTE_QUOTA]: 'api minute-quota reach limit  mustslower  retry next minute',
  [ERRCODE.DATA_FORMAT_ERROR]: 'data format error',
  [ERRCODE.API_UNAUTHORIZED]: 'api unauthorized',
  [ERRCODE.INVALID_SIG_METHOD]: 'invalid sig_method',
  [ERRCODE.INVALID_SIGNATURE]: 'invalid signature',
};

/** Thrown by request handlers; the WeChat route turns it into an HTTP 200 error body. */
export class WechatError extends Error {
  constructor(
    readonly errcode: number,
    errmsg?: string,
  ) {
    super(errmsg ?? ERRMSG[errcode] ?? 'simulated error');
  }
}

export function wechatErrorBody(error: WechatError, nowSeconds: number): WireError {
  return { errcode: error.errcode, errmsg: `${error.message}, rid: ${newRid(nowSeconds)}` };
}
