import type { VerifiedAuth } from './verified-auth.js';

/** Whether the session behind a token is still live (not logged out, not revoked). Throw when unsure. */
export type SessionCheck = (auth: VerifiedAuth, token: string) => Promise<boolean>;

const MAX_ENTRIES = 10_000;

/**
 * Remembers each session's answer: a live one for `windowMs` (a revocation shows within that window), a dead one
 * for good (sessions never come back). Concurrent requests of one session share one check.
 */
export function cachedSessionCheck(check: SessionCheck, windowMs: number, now: () => number): SessionCheck {
  const answers = new Map<string, { live: boolean; until: number }>();
  const inFlight = new Map<string, Promise<boolean>>();
  return async (auth, token) => {
    const known = answers.get(auth.sessionId);
    if (known !== undefined && (!known.live || known.until > now())) return known.live;
    const running = inFlight.get(auth.sessionId);
    if (running !== undefined) return running;
    const asking = check(auth, token).then(
      (live) => {
        inFlight.delete(auth.sessionId);
        if (answers.size >= MAX_ENTRIES) answers.delete(answers.keys().next().value as string);
        answers.set(auth.sessionId, { live, until: now() + windowMs });
        return live;
      },
      (error: unknown) => {
        inFlight.delete(auth.sessionId);
        throw error;
      },
    );
    inFlight.set(auth.sessionId, asking);
    return asking;
  };
}
