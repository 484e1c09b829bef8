import { AuthClientError } from './errors.js';
import { RELOGIN_CODES } from './session.js';

/** What a refused request needs before its one retry, by the server's error code; null: nothing helps. */
export type Recovery = 'refresh' | 'login' | 'session-key';

export function recoveryFor(error: unknown): Recovery | null {
  if (!(error instanceof AuthClientError) || error.statusCode !== 401) return null;
  if (error.code === 'TOKEN_EXPIRED') return 'refresh';
  // The stored session_key is stale: only a new wx.login gives the server the current one.
  if (error.code === 'SESSION_KEY_EXPIRED') return 'session-key';
  return RELOGIN_CODES.has(error.code) ? 'login' : null;
}
