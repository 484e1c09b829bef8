import type { FailureTable } from '../code2session/failure.js';
import { KUAISHOU_RESULT } from './api/wire.js';

/** Kuaishou's results → our codes. It answers one result for every bad js_code, a used one included: INVALID_CODE. */
export const KUAISHOU_FAILURES: FailureTable = {
  name: 'Kuaishou',
  login: 'ks.login',
  codes: {
    unavailable: 'KUAISHOU_UNAVAILABLE',
    timeout: 'KUAISHOU_TIMEOUT',
    badResponse: 'KUAISHOU_BAD_RESPONSE',
    credentialsRejected: 'KUAISHOU_CREDENTIALS_REJECTED',
  },
  meanings: {
    [KUAISHOU_RESULT.INVALID_PARAMS]: 'invalid_code',
    [KUAISHOU_RESULT.INVALID_CREDENTIALS]: 'credentials_rejected',
  },
};
