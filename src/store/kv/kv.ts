import { type Clock, systemClock } from '../../lib/clock.js';
import { randomToken } from '../../lib/crypto/random.js';
import { WeappAuthError } from '../../lib/errors.js';

/**
 * Small shared state that is not worth a table: caches, locks, counters, news. Memory for one instance; Redis when
 * several instances must agree (REDIS_URL), with memory behind it while Redis is away (FallbackKv). All three pass
 * one conformance suite (test/store/kv-conformance.ts), since the code using a Kv cannot tell which it has.
 */
export interface Kv {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Deletes only if the value is still `value`, atomically. */
  deleteIfEquals(key: string, value: string): Promise<void>;
  /** Takes a lock that expires by itself after ttlMs (a crashed holder cannot block forever); undefined if held. */
  tryLock(key: string, ttlMs: number): Promise<KvLock | undefined>;
  /** Adds one to a counter and returns the new count; the counter disappears ttlMs after its first increment. */
  increment(key: string, ttlMs: number): Promise<number>;
  /** Tells every subscriber (in every instance sharing the store, this one included) about `message`. */
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * The shared store (Redis) could not be reached or did not answer in time: REDIS_UNAVAILABLE to whoever sees it.
 * FallbackKv catches it and serves from memory, so only what has nothing to fall back to lets it through (a
 * read-only access-token store, readiness). Its cause holds the reason alone, deliberately not the driver's error:
 * that may carry the command's arguments (tokens, the AUTH password), and a logged cause is serialized.
 */
export class KvUnavailableError extends WeappAuthError {
  constructor(reason: string) {
    super('REDIS_UNAVAILABLE', 'Redis, which this request needs, cannot be reached', { cause: new Error(reason) });
  }
}

export interface KvLock {
  /** Releases the lock if it is still ours (it may have expired and been taken by someone else). */
  release(): Promise<void>;
}

interface MemoryEntry {
  value: string;
  expiresAt: number;
}

/** Every this many writes, expired entries are swept: keys never read again (spent codes, idle IPs) must not pile up. */
const SWEEP_EVERY_WRITES = 1_000;

export class MemoryKv implements Kv {
  readonly #entries = new Map<string, MemoryEntry>();
  readonly #listeners = new Map<string, ((message: string) => void)[]>();
  readonly #now: Clock;
  #writes = 0;

  /** `clock`: what TTLs count against, injected so that tests move time instead of waiting for it. */
  constructor(options: { clock?: Clock } = {}) {
    this.#now = options.clock ?? systemClock;
  }

  async get(key: string): Promise<string | undefined> {
    return this.#live(key)?.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#write(key, { value, expiresAt: this.#now() + ttlMs });
  }

  /** Number of entries held, expired ones not yet swept included: for tests of the sweep. */
  get size(): number {
    return this.#entries.size;
  }

  #write(key: string, entry: MemoryEntry): void {
    this.#entries.set(key, entry);
    this.#writes += 1;
    if (this.#writes % SWEEP_EVERY_WRITES !== 0) return;
    const now = this.#now();
    for (const [candidate, { expiresAt }] of this.#entries) if (expiresAt <= now) this.#entries.delete(candidate);
  }

  // Check and change with no await in between: an await lets another caller in this process run between the
  // two, and 20 parallel tryLocks all found the key free and all got the lock.
  async deleteIfEquals(key: string, value: string): Promise<void> {
    if (this.#live(key)?.value === value) this.#entries.delete(key);
  }

  async tryLock(key: string, ttlMs: number): Promise<KvLock | undefined> {
    if (this.#live(key) !== undefined) return undefined;
    const owner = randomToken(16);
    this.#write(key, { value: owner, expiresAt: this.#now() + ttlMs });
    return { release: async () => this.deleteIfEquals(key, owner) };
  }

  #live(key: string): MemoryEntry | undefined {
    const entry = this.#entries.get(key);
    return entry !== undefined && entry.expiresAt > this.#now() ? entry : undefined;
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const current = this.#live(key);
    if (current === undefined) {
      this.#write(key, { value: '1', expiresAt: this.#now() + ttlMs });
      return 1;
    }
    current.value = String(Number(current.value) + 1);
    return Number(current.value);
  }

  async publish(channel: string, message: string): Promise<void> {
    for (const listener of this.#listeners.get(channel) ?? []) listener(message);
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<void> {
    this.#listeners.set(channel, [...(this.#listeners.get(channel) ?? []), listener]);
  }

  async close(): Promise<void> {
    this.#entries.clear();
    this.#listeners.clear();
  }
}
