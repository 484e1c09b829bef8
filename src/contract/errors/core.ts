import { defineErrorCodes } from './define.js';

/** The identity core's and the HTTP layer's codes: they mean the same whichever platform the user came through. */
export const CORE_ERRORS = defineErrorCodes({
  // Input
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BODY_TOO_LARGE: 413,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNKNOWN_APP: 400,
  UNKNOWN_PROVIDER: 400,
  INVALID_NICKNAME: 400,
  // Tokens and sessions
  TOKEN_MISSING: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  SESSION_REVOKED: 401,
  SESSION_EXPIRED: 401,
  REFRESH_TOKEN_INVALID: 401,
  REFRESH_TOKEN_EXPIRED: 401,
  REFRESH_TOKEN_REUSED: 401,
  INTROSPECTION_UNAUTHORIZED: 401,
  // Our own limits and dependencies
  RATE_LIMITED: 429,
  DATABASE_UNAVAILABLE: 503,
  REDIS_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
});
