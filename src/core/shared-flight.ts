import { setTimeout as sleep } from 'node:timers/promises';
import { sha256Hex } from '../lib/crypto/random.js';
import { ERROR_CODES, type ErrorCode, WeappAuthError } from '../lib/errors.js';
import type { Kv } from '../store/kv/kv.js';

/** What a run publishes for its waiters, with the hash of the party that ran it. */
type Outcome<T> = { party: string } & (
  | { ok: T }
  | { error: { code: ErrorCode; message: string; details?: Record<string, string | number | boolean> } }
);

/** Long enough for a WeChat call with its retries; a holder that dies frees the key after this. */
const LOCK_TTL_MS = 30_000;
/** Long enough for every waiter to read the outcome after the lock is released; late arrivals never read it. */
const OUTCOME_TTL_MS = 5_000;
const POLL_MS = 20;

/**
 * Thrown to a caller whose party is not the party of the run in flight: that run's outcome is not theirs to share,
 * and the exchange is not run for them either (it is someone else's, in progress).
 */
export class ForeignFlight extends Error {
  override readonly name = 'ForeignFlight';
}

export interface SharedFlightDeps {
  kv: Kv;
  /** Keeps this flight's keys apart from other flights' in the kv. */
  namespace: string;
}

/**
 * One run per key, however many requests ask for it and whichever instances they reach: the first takes a lock
 * in the shared kv and publishes its outcome there; the others wait for that outcome. Used for wx.login codes (a
 * double tap costs one WeChat exchange) and session-key resets (WeChat accepts only one reset per key). Keys are
 * stored only as hashes, since a code is a secret. Within one process, concurrent callers share one promise.
 *
 * A caller may name its party (for login codes: the client). Only callers of the party that started the run share
 * its outcome; any other gets ForeignFlight. Parties are stored only as hashes too.
 */
export class SharedFlight<T> {
  readonly #local = new Map<string, { party: string; outcome: Promise<T> }>();

  constructor(private readonly deps: SharedFlightDeps) {}

  run(key: string, exchange: () => Promise<T>, party = ''): Promise<T> {
    const id = `${this.deps.namespace}:${sha256Hex(key)}`;
    const partyHash = sha256Hex(party);
    const pending = this.#local.get(id);
    if (pending !== undefined) return pending.party === partyHash ? pending.outcome : Promise.reject(foreign());
    const outcome = this.shared(id, partyHash, exchange).finally(() => this.#local.delete(id));
    this.#local.set(id, { party: partyHash, outcome });
    return outcome;
  }

  /**
   * Only callers that arrive while a run is in flight share its outcome. One arriving after it finished finds no
   * lock and runs again: a login code resent later hears from WeChat that it is used, so it stays single-use.
   */
  private async shared(id: string, party: string, exchange: () => Promise<T>): Promise<T> {
    const lockKey = `flight-lock:${id}`;
    const outcomeKey = `flight-outcome:${id}`;
    const deadline = Date.now() + LOCK_TTL_MS;
    for (;;) {
      const lock = await this.deps.kv.tryLock(lockKey, LOCK_TTL_MS);
      if (lock !== undefined) return this.exchangeAndPublish(outcomeKey, party, exchange, lock);
      // Someone is running it: its outcome is written before its lock is released.
      while ((await this.deps.kv.get(lockKey)) !== undefined && Date.now() < deadline) {
        await sleep(POLL_MS);
      }
      const stored = await this.deps.kv.get(outcomeKey);
      if (stored !== undefined) return settle(JSON.parse(stored) as Outcome<T>, party);
      if (Date.now() >= deadline) return exchange(); // the holder hung: run it ourselves
    }
  }

  private async exchangeAndPublish(
    outcomeKey: string,
    party: string,
    exchange: () => Promise<T>,
    lock: { release(): Promise<void> },
  ): Promise<T> {
    try {
      const value = await exchange();
      await this.deps.kv.set(outcomeKey, JSON.stringify({ party, ok: value } satisfies Outcome<T>), OUTCOME_TTL_MS);
      return value;
    } catch (error) {
      if (error instanceof WeappAuthError) {
        const outcome: Outcome<T> = {
          party,
          error: { code: error.code, message: error.message, ...(error.details ? { details: { ...error.details } } : {}) },
        };
        await this.deps.kv.set(outcomeKey, JSON.stringify(outcome), OUTCOME_TTL_MS);
      }
      throw error;
    } finally {
      await lock.release();
    }
  }
}

function settle<T>(outcome: Outcome<T>, party: string): T {
  if (outcome.party !== party) throw foreign();
  if ('ok' in outcome) return outcome.ok;
  const code = ERROR_CODES.includes(outcome.error.code) ? outcome.error.code : 'INTERNAL_ERROR';
  throw new WeappAuthError(code, outcome.error.message, outcome.error.details ? { details: outcome.error.details } : {});
}

function foreign(): ForeignFlight {
  return new ForeignFlight('another party’s run of this key is in flight');
}
