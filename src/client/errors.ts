/**
 * Codes the SDK itself reports, beside the server's own (`TOKEN_EXPIRED`, `INVALID_PHONE_CODE`, … passed through).
 * - NETWORK_ERROR: no HTTP answer (server down, no network, timeout, domain not whitelisted).
 * - LOGIN_FAILED: wx.login itself failed.
 * - BAD_RESPONSE: an answer that is not the server's JSON (a proxy's error page).
 * - PHONE_DENIED: the user declined the getPhoneNumber button.
 * - ENCRYPTED_DATA_STALE: encryptedData made with a session_key that a re-login replaced; ask the user again.
 * - UNTRUSTED_ORIGIN: a token would go to a host that is neither baseUrl's nor in trustedOrigins.
 */
export type ClientErrorCode =
  | 'NETWORK_ERROR'
  | 'LOGIN_FAILED'
  | 'BAD_RESPONSE'
  | 'PHONE_DENIED'
  | 'ENCRYPTED_DATA_STALE'
  | 'UNTRUSTED_ORIGIN';

/** Every rejection of the SDK: a stable `code` to branch on, and the server's status and request id when it answered. */
export class AuthClientError extends Error {
  override readonly name = 'AuthClientError';
  readonly code: ClientErrorCode | (string & {});
  /** HTTP status, when the server answered. */
  readonly statusCode: number | undefined;
  /** The server's request id, to find its log lines. */
  readonly requestId: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ClientErrorCode | (string & {}),
    message: string,
    extra: { statusCode?: number; requestId?: string; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.code = code;
    this.statusCode = extra.statusCode;
    this.requestId = extra.requestId;
    this.details = extra.details;
  }
}

interface ServerErrorBody {
  error: { code: string; message: string; requestId?: string; details?: Record<string, unknown> };
}

function isServerErrorBody(data: unknown): data is ServerErrorBody {
  const error = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

/** A non-2xx answer as an error: the server's own code when it sent its error JSON, BAD_RESPONSE otherwise. */
export function errorFromResponse(statusCode: number, data: unknown): AuthClientError {
  if (!isServerErrorBody(data)) {
    return new AuthClientError('BAD_RESPONSE', `the server answered HTTP ${statusCode} without its error JSON`, { statusCode });
  }
  const { code, message, requestId, details } = data.error;
  return new AuthClientError(code, message, {
    statusCode,
    ...(requestId === undefined ? {} : { requestId }),
    ...(details === undefined ? {} : { details }),
  });
}
