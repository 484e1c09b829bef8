/**
 * Every error weapp-auth reports to a caller carries one of these stable codes. Codes never change meaning;
 * messages may be reworded. The HTTP status for each code is chosen in src/http/error-status.ts.
 */
export const ERROR_CODES = [
  // Input
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'INVALID_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'BODY_TOO_LARGE',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'UNKNOWN_APP',
  'UNKNOWN_PROVIDER',
  'INVALID_NICKNAME',
  // wx.login code exchange
  'INVALID_CODE',
  'CODE_USED',
  'USER_BLOCKED',
  // Phone numbers, encrypted data and the session_key
  'INVALID_PHONE_CODE',
  'PHONE_CODE_IS_LOGIN_CODE',
  'SESSION_KEY_EXPIRED',
  'DECRYPT_FAILED',
  'WATERMARK_MISMATCH',
  'DATA_OWNER_MISMATCH',
  // Tokens and sessions
  'TOKEN_MISSING',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'SESSION_REVOKED',
  'SESSION_EXPIRED',
  'REFRESH_TOKEN_INVALID',
  'REFRESH_TOKEN_EXPIRED',
  'REFRESH_TOKEN_REUSED',
  'INTROSPECTION_UNAUTHORIZED',
  // Rate limits
  'RATE_LIMITED',
  'WECHAT_RATE_LIMITED',
  // WeChat and our own dependencies
  'WECHAT_UNAVAILABLE',
  'WECHAT_TIMEOUT',
  'WECHAT_BAD_RESPONSE',
  'WECHAT_CREDENTIALS_REJECTED',
  'DATABASE_UNAVAILABLE',
  'REDIS_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The one error class that crosses layers: a stable code, a human message, and optional details safe to show. */
export class WeappAuthError extends Error {
  override readonly name = 'WeappAuthError';
  readonly code: ErrorCode;
  /** Extra, non-secret facts for the caller (for example the WeChat rid), included in the error body. */
  readonly details: Readonly<Record<string, string | number | boolean>> | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, string | number | boolean> } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}
