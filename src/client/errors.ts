import type { ErrorBody } from '../contract/api.js';
import type { ErrorCode } from '../contract/errors/index.js';
import type { ClientErrorCode } from '../contract/errors/sdk.js';

export type { ClientErrorCode, ErrorCode };

/**
 * An error's code: one of the SDK's own (ClientErrorCode), or the server's passed through (`TOKEN_EXPIRED`,
 * `INVALID_PHONE_CODE`, …); any other string from a newer server too.
 */
export type AuthErrorCode = ClientErrorCode | ErrorCode | (string & {});

/** Every rejection of the SDK: a stable `code` to branch on, and the server's status and request id when it answered. */
export class AuthClientError extends Error {
  override readonly name = 'AuthClientError';
  readonly code: AuthErrorCode;
  /** HTTP status, when the server answered. */
  readonly statusCode: number | undefined;
  /** The server's request id, to find its log lines. */
  readonly requestId: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: AuthErrorCode,
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

function isServerErrorBody(data: unknown): data is ErrorBody<string> {
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
