import type { ErrorCode, ErrorDetails } from '../contract/errors/index.js';

// Server code imports the class and its codes from one place; the codes and their statuses are the contract's.
export { ERROR_CODES, type ErrorCode } from '../contract/errors/index.js';

/** The one error class that crosses layers: a stable code, a human message, and optional details safe to show. */
export class WeappAuthError extends Error {
  override readonly name = 'WeappAuthError';
  readonly code: ErrorCode;
  /** Extra, non-secret facts for the caller (for example the WeChat rid), included in the error body. */
  readonly details: Readonly<ErrorDetails> | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: ErrorDetails } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}
