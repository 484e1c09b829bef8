import { defineErrorCodes } from './define.js';

/**
 * Alipay's own group: what only Alipay's open platform gateway can cause. A refused login or phone proof reuses the
 * platform-neutral codes (INVALID_CODE, DECRYPT_FAILED, ...); these name Alipay so an operator sees whose service
 * failed.
 */
export const ALIPAY_ERRORS = defineErrorCodes({
  /** 20000 (isp/aop.unknow-error) after the retries, or the gateway could not be reached. */
  ALIPAY_UNAVAILABLE: 503,
  ALIPAY_TIMEOUT: 504,
  ALIPAY_BAD_RESPONSE: 502,
  /** The gateway refused the app: unknown app_id, the app's public key does not match our private key, no permission. */
  ALIPAY_CREDENTIALS_REJECTED: 502,
  /** The gateway's answer did not verify with the configured Alipay public key (wrong key, or tampered on the way). */
  ALIPAY_SIGNATURE_INVALID: 502,
});
