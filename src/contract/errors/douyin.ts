import { defineErrorCodes } from './define.js';

/**
 * Douyin's own group: what only Douyin's API can cause. Outages and quotas name the platform (DOUYIN_…), so an
 * operator sees at once whose service failed, as WeChat's group does.
 */
export const DOUYIN_ERRORS = defineErrorCodes({
  DOUYIN_RATE_LIMITED: 429,
  DOUYIN_UNAVAILABLE: 503,
  DOUYIN_TIMEOUT: 504,
  DOUYIN_BAD_RESPONSE: 502,
  DOUYIN_CREDENTIALS_REJECTED: 502,
  /** Douyin encrypts phone numbers with the app public key set in its console; ours (DOUYIN_PRIVATE_KEY) does not open them. */
  DOUYIN_PHONE_KEY_MISMATCH: 502,
});
