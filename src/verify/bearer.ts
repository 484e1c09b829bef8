import { readBearerHeader } from '../contract/bearer.js';
import { TokenError } from './errors.js';

/** The token of an `Authorization: Bearer …` header (read as the server's guard reads it), or the TokenError to answer. */
export function bearerToken(header: string | string[] | undefined): string {
  const bearer = readBearerHeader(header);
  if ('refusal' in bearer) throw new TokenError(bearer.refusal, bearer.message);
  return bearer.token;
}
