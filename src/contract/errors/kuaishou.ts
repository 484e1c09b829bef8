import { defineErrorCodes } from './define.js';

/** Kuaishou mini programs' own group: what only Kuaishou's API can cause (its outages and its refusal of our credentials). */
export const KUAISHOU_ERRORS = defineErrorCodes({
  KUAISHOU_UNAVAILABLE: 503,
  KUAISHOU_TIMEOUT: 504,
  KUAISHOU_BAD_RESPONSE: 502,
  KUAISHOU_CREDENTIALS_REJECTED: 502,
});
