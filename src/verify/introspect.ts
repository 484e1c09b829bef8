import type { SessionCheck } from './session-check.js';

/**
 * A `checkSession` that asks the weapp-auth server: `POST {serverUrl}/api/auth/introspect {token}` →
 * `{active: boolean}`. Cache it with `sessionCacheSeconds`; an unreachable server throws (your 5xx, not a 401).
 */
export function introspectSession(serverUrl: string, options: { timeoutMs?: number } = {}): SessionCheck {
  const url = `${serverUrl.replace(/\/+$/, '')}/api/auth/introspect`;
  return async (_auth, token) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
    });
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    const body = (await response.json()) as { active?: unknown };
    if (typeof body.active !== 'boolean') throw new Error(`${url} answered without "active"`);
    return body.active;
  };
}
