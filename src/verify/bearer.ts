import { TokenError } from './errors.js';

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+) *$/i;

/** The token of an `Authorization: Bearer …` header, or the TokenError to answer. */
export function bearerToken(header: string | string[] | undefined): string {
  if (header === undefined || header === '') {
    throw new TokenError('TOKEN_MISSING', 'send the access token as "Authorization: Bearer <token>"');
  }
  const match = typeof header === 'string' ? BEARER.exec(header) : null;
  if (match?.[1] === undefined) throw new TokenError('TOKEN_INVALID', 'the Authorization header is not a Bearer token');
  return match[1];
}
