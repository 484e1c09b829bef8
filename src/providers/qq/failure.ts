import type { FailureTable } from '../code2session/failure.js';
import { QQ_ERRCODE } from './api/wire.js';

/** QQ's errcodes → our codes. A used code answers 40163 as at WeChat (unverified for QQ: both are mapped). */
export const QQ_FAILURES: FailureTable = {
  name: 'QQ',
  login: 'qq.login',
  codes: {
    unavailable: 'QQ_UNAVAILABLE',
    timeout: 'QQ_TIMEOUT',
    badResponse: 'QQ_BAD_RESPONSE',
    credentialsRejected: 'QQ_CREDENTIALS_REJECTED',
    rateLimited: 'QQ_RATE_LIMITED',
  },
  meanings: {
    [QQ_ERRCODE.SYSTEM_BUSY]: 'busy',
    [QQ_ERRCODE.INVALID_CODE]: 'invalid_code',
    [QQ_ERRCODE.CODE_BEEN_USED]: 'code_used',
    [QQ_ERRCODE.MINUTE_QUOTA]: 'rate_limited',
    [QQ_ERRCODE.INVALID_APPID]: 'credentials_rejected',
    [QQ_ERRCODE.INVALID_APPSECRET]: 'credentials_rejected',
  },
};
