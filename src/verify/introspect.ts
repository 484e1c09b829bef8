import type { IntrospectionRequest } from '../contract/api.js';
import type { SessionCheck } from './session-check.js';

export interface IntrospectOptions {
  /** This backend's id in the server's INTROSPECTION_CLIENTS. Without it the server must allow anonymous callers. */
  clientId?: string;
  /** Its secret, sent with the id as HTTP Basic credentials (RFC 7662 §2.1). */
  clientSecret?: string;
  /** Default 3000 ms. */
  timeoutMs?: number;
}

/**
 * The server did not give an answer: `status` is its HTTP status (429 over this backend's limit, 401 for wrong
 * credentials, 5xx), or undefined when it could not be reached or answered something else than introspection JSON.
 * Never a verdict on the token: answer your client 5xx, not 401.
 */
export class IntrospectionError extends Error {
  override readonly name = 'IntrospectionError';

  constructor(
    message: string,
    readonly status: number | undefined,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/**
 * A `checkSession` that asks the weapp-auth server: `POST {serverUrl}/api/auth/introspect {token}` with this
 * backend's credentials → `{active: boolean}`. Cache it with `sessionCacheSeconds`; when the server cannot answer it
 * throws an IntrospectionError (your 5xx, not a 401).
 */
export function introspectSession(serverUrl: string, options: IntrospectOptions = {}): SessionCheck {
  const url = `${serverUrl.replace(/\/+$/, '')}/api/auth/introspect`;
  if ((options.clientId === undefined) !== (options.clientSecret === undefined)) {
    throw new TypeError('introspectSession needs both clientId and clientSecret, or neither');
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.clientId !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`;
  }
  return async (_auth, token) => {
    let response: Response;
    try {
      const signal = AbortSignal.timeout(options.timeoutMs ?? 3000);
      response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ token } satisfies IntrospectionRequest), signal });
    } catch (error) {
      throw new IntrospectionError(`${url} could not be reached`, undefined, { cause: error });
    }
    if (response.status !== 200) throw new IntrospectionError(`${url} answered ${response.status}`, response.status);
    const body = (await response.json().catch(() => undefined)) as { active?: unknown } | undefined;
    if (typeof body?.active !== 'boolean') throw new IntrospectionError(`${url} answered without "active"`, undefined);
    return body.active;
  };
}
