import { defineErrorCodes } from './define.js';

/**
 * What every mini program platform can answer, so each provider reuses these rather than minting its own: Douyin,
 * Alipay, QQ, Baidu and Kuaishou all exchange a one-time login code (INVALID_CODE, CODE_USED), refuse users their
 * risk control flags (USER_BLOCKED), hand out one-time phone codes (INVALID_PHONE_CODE), and most encrypt user data
 * with a per-login session key, watermarked with the app (SESSION_KEY_EXPIRED, DECRYPT_FAILED, WATERMARK_MISMATCH,
 * DATA_OWNER_MISMATCH). A client handles them once, for every platform. The provider's `details` say which platform
 * answered (WeChat's `errcode` and `rid`).
 */
export const PLATFORM_ERRORS = defineErrorCodes({
  // The login code exchange
  INVALID_CODE: 400,
  CODE_USED: 400,
  USER_BLOCKED: 403,
  // Phone numbers, encrypted data and the session key
  INVALID_PHONE_CODE: 400,
  SESSION_KEY_EXPIRED: 401,
  DECRYPT_FAILED: 400,
  WATERMARK_MISMATCH: 403,
  DATA_OWNER_MISMATCH: 403,
  // A capability the session's platform does not have (Alipay has no encryptedData, QQ no phone code).
  PHONE_UNSUPPORTED: 400,
  DECRYPT_UNSUPPORTED: 400,
});
