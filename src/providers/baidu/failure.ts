import type { FailureTable } from '../code2session/failure.js';
import { BAIDU_ERROR } from './api/wire.js';

/** Baidu's OAuth errors → our codes. A used code is invalid_grant like any other bad code: INVALID_CODE. */
export const BAIDU_FAILURES: FailureTable = {
  name: 'Baidu',
  login: 'swan.getLoginCode',
  codes: {
    unavailable: 'BAIDU_UNAVAILABLE',
    timeout: 'BAIDU_TIMEOUT',
    badResponse: 'BAIDU_BAD_RESPONSE',
    credentialsRejected: 'BAIDU_CREDENTIALS_REJECTED',
  },
  meanings: {
    [BAIDU_ERROR.INVALID_GRANT]: 'invalid_code',
    [BAIDU_ERROR.INVALID_CLIENT]: 'credentials_rejected',
    [BAIDU_ERROR.TEMPORARILY_UNAVAILABLE]: 'busy',
  },
};
