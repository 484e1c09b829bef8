import { WeappAuthError } from '../lib/errors.js';
import type { Kv } from '../store/kv/kv.js';

const WINDOW_MS = 60_000;

export interface RateLimiterDeps {
  /** Where the windows are counted: shared by the fleet with Redis. */
  kv: Kv;
}

/**
 * Fixed one-minute windows counted in the shared kv, so with Redis every instance counts the same window:
 * a client spreading requests over the fleet gets no more than it would from one instance.
 */
export class RateLimiter {
  constructor(private readonly deps: RateLimiterDeps) {}

  /** Counts one hit on `key`; throws RATE_LIMITED past `perMinute` (0 = unlimited). */
  async hit(key: string, perMinute: number): Promise<void> {
    if (perMinute === 0) return;
    const count = await this.deps.kv.increment(`rate:${key}`, WINDOW_MS);
    if (count > perMinute) {
      throw new WeappAuthError('RATE_LIMITED', `too many requests (limit ${perMinute} a minute); try again later`, {
        details: { retryAfterSeconds: WINDOW_MS / 1000 },
      });
    }
  }
}
