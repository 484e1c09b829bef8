import { Redis } from 'ioredis';
import { randomToken } from '../crypto/random.js';
import type { Kv, KvLock } from './kv.js';

/** Compare-and-delete in one step: GET then DEL from the client would race with another instance's SET. */
const DELETE_IF_EQUALS = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Kv on Redis, every key under `prefix` so several deployments (or test runs) can share one Redis. */
export class RedisKv implements Kv {
  readonly #redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    // Fail fast instead of queueing commands forever while Redis is down: callers turn errors into 503s.
    this.#redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: false });
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#redis.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.#redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async deleteIfEquals(key: string, value: string): Promise<void> {
    await this.#redis.eval(DELETE_IF_EQUALS, 1, this.prefix + key, value);
  }

  async tryLock(key: string, ttlMs: number): Promise<KvLock | undefined> {
    const owner = randomToken(16);
    const taken = await this.#redis.set(this.prefix + key, owner, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
    if (taken !== 'OK') return undefined;
    return { release: async () => this.deleteIfEquals(key, owner) };
  }

  async close(): Promise<void> {
    await this.#redis.quit();
  }
}
