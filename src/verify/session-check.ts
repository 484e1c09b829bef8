import type { VerifiedAuth } from './verified-auth.js';

/** Whether the session behind a token is still live (not logged out, not revoked). Throw when unsure. */
export type SessionCheck = (auth: VerifiedAuth, token: string) => Promise<boolean>;

const MAX_ENTRIES = 10_000;

/**
 * Remembers answers. A live one is about the session: kept per session for `windowMs` (a revocation shows within
 * that window). A dead one is kept per token until that token expires, never longer and never for the session's
 * other tokens: a token can be refused for its own reasons (its key withdrawn, expired by the server's clock) while
 * the session lives on with a refreshed one. A thrown check is "unknown" and is not remembered. Concurrent requests
 * with one token share one check. At most MAX_ENTRIES answers, oldest dropped first.
 */
export function cachedSessionCheck(check: SessionCheck, windowMs: number, now: () => number): SessionCheck {
  const answers = new Map<string, { live: boolean; until: number }>();
  const inFlight = new Map<string, Promise<boolean>>();
  const remembered = (key: string): boolean | undefined => {
    const known = answers.get(key);
    if (known === undefined) return undefined;
    if (known.until > now()) return known.live;
    answers.delete(key);
    return undefined;
  };
  const remember = (key: string, live: boolean, until: number): void => {
    answers.delete(key);
    if (answers.size >= MAX_ENTRIES) answers.delete(answers.keys().next().value as string);
    answers.set(key, { live, until });
  };
  return async (auth, token) => {
    const known = remembered(`token:${token}`) ?? remembered(`session:${auth.sessionId}`);
    if (known !== undefined) return known;
    const running = inFlight.get(token);
    if (running !== undefined) return running;
    const asking = check(auth, token).then(
      (live) => {
        inFlight.delete(token);
        if (live) remember(`session:${auth.sessionId}`, true, now() + windowMs);
        else remember(`token:${token}`, false, auth.expiresAt);
        return live;
      },
      (error: unknown) => {
        inFlight.delete(token);
        throw error;
      },
    );
    inFlight.set(token, asking);
    return asking;
  };
}
