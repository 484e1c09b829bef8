import type { TokenErrorCode } from './errors/verifier.js';

/** RFC 6750: the scheme in any case, one JWT (three base64url parts), spaces around it tolerated. */
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+) *$/i;

export type BearerHeader = { token: string } | { refusal: Extract<TokenErrorCode, 'TOKEN_MISSING' | 'TOKEN_INVALID'>; message: string };

/**
 * The token of an `Authorization: Bearer …` header, or the code and message to refuse it with. The server's guard
 * and weapp-auth/verify both read the header with this, so a header one accepts the other accepts too.
 */
export function readBearerHeader(header: string | readonly string[] | undefined): BearerHeader {
  if (header === undefined || header === '') {
    return { refusal: 'TOKEN_MISSING', message: 'send the access token as "Authorization: Bearer <token>"' };
  }
  const match = typeof header === 'string' ? BEARER.exec(header) : null;
  if (match?.[1] === undefined) return { refusal: 'TOKEN_INVALID', message: 'the Authorization header is not a Bearer token' };
  return { token: match[1] };
}
