import { WeappAuthError } from '../../lib/errors.js';
import { NoAccessTokenError } from '../../lib/upstream/app-token-cache.js';
import { WechatApiError, WechatTransportError } from './api/errors.js';
import { ERRCODE } from './api/wire.js';

/**
 * Translates what went wrong at WeChat into our stable error codes. WeChat's rid travels along in the details
 * so an operator can quote it to WeChat support; WeChat's own errmsg is not shown to end users.
 */
export function wechatFailure(error: unknown): unknown {
  if (error instanceof WechatTransportError) {
    if (error.failure === 'timeout') return new WeappAuthError('WECHAT_TIMEOUT', 'WeChat did not answer in time', { cause: error });
    if (error.failure === 'network') return new WeappAuthError('WECHAT_UNAVAILABLE', 'WeChat could not be reached', { cause: error });
    return new WeappAuthError('WECHAT_BAD_RESPONSE', 'WeChat gave an answer that could not be understood', { cause: error });
  }
  if (error instanceof NoAccessTokenError) return new WeappAuthError('WECHAT_UNAVAILABLE', error.message, { cause: error });
  if (!(error instanceof WechatApiError)) return error;
  const details = { errcode: error.errcode, ...(error.rid === undefined ? {} : { rid: error.rid }) };
  const fail = (code: ConstructorParameters<typeof WeappAuthError>[0], message: string): WeappAuthError =>
    new WeappAuthError(code, message, { cause: error, details });
  switch (error.errcode) {
    case ERRCODE.INVALID_CODE:
      return fail('INVALID_CODE', 'the code is invalid or expired; call wx.login again');
    case ERRCODE.CODE_BEEN_USED:
      return fail('CODE_USED', 'the code has already been used; call wx.login again');
    case ERRCODE.HIGH_RISK_USER:
      return fail('USER_BLOCKED', 'WeChat has blocked this user as high-risk');
    case ERRCODE.MINUTE_QUOTA:
    case ERRCODE.DAILY_QUOTA:
      return fail('WECHAT_RATE_LIMITED', 'WeChat is rate-limiting these calls; try again later');
    case ERRCODE.SYSTEM_BUSY:
      return fail('WECHAT_UNAVAILABLE', 'WeChat is busy; try again later');
    case ERRCODE.INVALID_APPID:
    case ERRCODE.INVALID_APPSECRET:
      return fail('WECHAT_CREDENTIALS_REJECTED', 'WeChat rejected the server’s AppID or AppSecret');
    default:
      return fail('WECHAT_BAD_RESPONSE', `WeChat answered with unexpected errcode ${error.errcode}`);
  }
}
