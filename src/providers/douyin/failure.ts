import { WeappAuthError } from '../../lib/errors.js';
import { NoAccessTokenError } from '../../lib/upstream/app-token-cache.js';
import { DouyinApiError, DouyinTransportError, PhoneKeyMismatchError } from './api/errors.js';
import { ERR_NO } from './api/wire.js';

type Code = ConstructorParameters<typeof WeappAuthError>[0];

/** Douyin's err_no → our stable code and the message a developer can act on. Unlisted numbers are DOUYIN_BAD_RESPONSE. */
const BY_ERR_NO: ReadonlyMap<number, [Code, string]> = new Map([
  [ERR_NO.SYSTEM_BUSY, ['DOUYIN_UNAVAILABLE', 'Douyin is busy; try again later']],
  [ERR_NO.PLATFORM_BUSY, ['DOUYIN_UNAVAILABLE', 'Douyin is busy; try again later']],
  [ERR_NO.PLATFORM_NETWORK, ['DOUYIN_UNAVAILABLE', 'Douyin could not reach its own services; try again later']],
  [ERR_NO.BAD_CODE, ['INVALID_CODE', 'the code is invalid, expired or used (it lives 5 minutes and works once); call tt.login again']],
  [ERR_NO.BAD_ANONYMOUS_CODE, ['INVALID_CODE', 'the anonymousCode is invalid, expired or used; call tt.login again']],
  [ERR_NO.BAD_APPID, ['DOUYIN_CREDENTIALS_REJECTED', 'Douyin rejected the server’s appid']],
  [ERR_NO.BAD_SECRET, ['DOUYIN_CREDENTIALS_REJECTED', 'Douyin rejected the server’s AppSecret']],
  [ERR_NO.BAD_PARAMS, ['DOUYIN_BAD_RESPONSE', 'Douyin refused the request’s parameters']],
  [ERR_NO.TOO_FREQUENT, ['DOUYIN_RATE_LIMITED', 'Douyin is rate-limiting these calls; try again later']],
  [ERR_NO.QUOTA_USED_UP, ['DOUYIN_RATE_LIMITED', 'the app’s quota for this Douyin API is used up']],
  [
    ERR_NO.PHONE_CODE_EXPIRED,
    [
      'INVALID_PHONE_CODE',
      'the phone code is invalid or expired (it lives 5 minutes and works once): ask the user to tap the button again',
    ],
  ],
]);

/**
 * Translates what went wrong at Douyin into our stable error codes. Douyin's err_no and log_id travel along in the
 * details so an operator can quote them to Douyin's support; Douyin's own err_tips is not shown to end users.
 */
export function douyinFailure(error: unknown): unknown {
  if (error instanceof DouyinTransportError) {
    if (error.failure === 'timeout') return new WeappAuthError('DOUYIN_TIMEOUT', 'Douyin did not answer in time', { cause: error });
    if (error.failure === 'network') return new WeappAuthError('DOUYIN_UNAVAILABLE', 'Douyin could not be reached', { cause: error });
    return new WeappAuthError('DOUYIN_BAD_RESPONSE', 'Douyin gave an answer that could not be understood', { cause: error });
  }
  if (error instanceof PhoneKeyMismatchError) {
    const message = 'Douyin’s phone answer does not open with DOUYIN_PRIVATE_KEY: set its public key in the Douyin console';
    return new WeappAuthError('DOUYIN_PHONE_KEY_MISMATCH', message, { cause: error });
  }
  if (error instanceof NoAccessTokenError) return new WeappAuthError('DOUYIN_UNAVAILABLE', error.message, { cause: error });
  if (!(error instanceof DouyinApiError)) return error;
  const details = { errNo: error.errNo, ...(error.logId === undefined ? {} : { logId: error.logId }) };
  const [code, message] = BY_ERR_NO.get(error.errNo) ?? ['DOUYIN_BAD_RESPONSE', `Douyin answered with unexpected err_no ${error.errNo}`];
  return new WeappAuthError(code, message, { cause: error, details });
}
