import { defineErrorCodes } from './define.js';

/** Baidu mini programs' own group: what only Baidu's API can cause (its outages and its refusal of our credentials). */
export const BAIDU_ERRORS = defineErrorCodes({
  BAIDU_UNAVAILABLE: 503,
  BAIDU_TIMEOUT: 504,
  BAIDU_BAD_RESPONSE: 502,
  BAIDU_CREDENTIALS_REJECTED: 502,
});
