import { type ErrorCode, WeappAuthError } from '../../lib/errors.js';
import { PlatformApiError, PlatformTransportError } from './api/request.js';

/** A platform's own outage codes (QQ_UNAVAILABLE, …): operators see at once whose service failed. */
export interface OutageCodes {
  unavailable: ErrorCode;
  timeout: ErrorCode;
  badResponse: ErrorCode;
  credentialsRejected: ErrorCode;
}

/** What one of the platform's error numbers or strings means to our clients. */
export type ErrorMeaning = 'invalid_code' | 'code_used' | 'blocked' | 'busy' | 'rate_limited' | 'credentials_rejected';

export interface FailureTable {
  /** The platform's name in messages. */
  name: string;
  /** How the client gets a login code on this platform, named in messages: 'qq.login'. */
  login: string;
  codes: OutageCodes & { rateLimited?: ErrorCode };
  meanings: Readonly<Record<string, ErrorMeaning>>;
}

/**
 * Translates what went wrong at a platform into our stable codes. The platform's error number travels along in the
 * details (`platformError`) so an operator can quote it to the platform's support; its own text is not shown.
 */
export function platformFailure(error: unknown, table: FailureTable): unknown {
  const { name, codes } = table;
  if (error instanceof PlatformTransportError) {
    if (error.failure === 'timeout') return new WeappAuthError(codes.timeout, `${name} did not answer in time`, { cause: error });
    if (error.failure === 'network') return new WeappAuthError(codes.unavailable, `${name} could not be reached`, { cause: error });
    if (error.failure === 'server_error')
      return new WeappAuthError(codes.unavailable, `${name} is failing; try again later`, { cause: error });
    return new WeappAuthError(codes.badResponse, `${name} gave an answer that could not be understood`, { cause: error });
  }
  if (!(error instanceof PlatformApiError)) return error;
  const fail = (code: ErrorCode, message: string): WeappAuthError =>
    new WeappAuthError(code, message, { cause: error, details: { platformError: error.code } });
  switch (table.meanings[error.code]) {
    case 'invalid_code':
      return fail('INVALID_CODE', `the code is invalid or expired; call ${table.login} again`);
    case 'code_used':
      return fail('CODE_USED', `the code has already been used; call ${table.login} again`);
    case 'blocked':
      return fail('USER_BLOCKED', `${name} has blocked this user`);
    case 'busy':
      return fail(codes.unavailable, `${name} is busy; try again later`);
    case 'rate_limited':
      return fail(codes.rateLimited ?? codes.unavailable, `${name} is rate-limiting these calls; try again later`);
    case 'credentials_rejected':
      return fail(codes.credentialsRejected, `${name} rejected the server’s app credentials`);
    default:
      return fail(codes.badResponse, `${name} answered with unexpected error ${error.code}`);
  }
}
