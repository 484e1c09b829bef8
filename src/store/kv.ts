import { randomToken } from '../crypto/random.js';

/**
 * Small shared state that is not worth a table: caches, locks. Memory for one instance; Redis when several
 * instances must agree (REDIS_URL). Both pass the same conformance tests.
 */
export interface Kv {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Deletes only if the value is still `value`, atomically. */
  deleteIfEquals(key: string, value: string): Promise<void>;
  /** Takes a lock that expires by itself after ttlMs (a crashed holder cannot block forever); undefined if held. */
  tryLock(key: string, ttlMs: number): Promise<KvLock | undefined>;
  close(): Promise<void>;
}

export interface KvLock {
  /** Releases the lock if it is still ours (it may have expired and been taken by someone else). */
  release(): Promise<void>;
}

interface MemoryEntry {
  value: string;
  expiresAt: number;
}

export class MemoryKv implements Kv {
  readonly #entries = new Map<string, MemoryEntry>();

  async get(key: string): Promise<string | undefined> {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#entries.set(key, { value, expiresAt: Date.now() + ttlMs });
  }

  async deleteIfEquals(key: string, value: string): Promise<void> {
    if ((await this.get(key)) === value) this.#entries.delete(key);
  }

  async tryLock(key: string, ttlMs: number): Promise<KvLock | undefined> {
    if ((await this.get(key)) !== undefined) return undefined;
    const owner = randomToken(16);
    await this.set(key, owner, ttlMs);
    return { release: async () => this.deleteIfEquals(key, owner) };
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }
}
