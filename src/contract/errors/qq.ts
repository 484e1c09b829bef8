import { defineErrorCodes } from './define.js';

/** QQ mini programs' own group: what only QQ's API can cause (its outages and its refusal of our credentials). */
export const QQ_ERRORS = defineErrorCodes({
  QQ_RATE_LIMITED: 429,
  QQ_UNAVAILABLE: 503,
  QQ_TIMEOUT: 504,
  QQ_BAD_RESPONSE: 502,
  QQ_CREDENTIALS_REJECTED: 502,
});
