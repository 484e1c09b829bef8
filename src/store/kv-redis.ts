import { Redis } from 'ioredis';
import { randomToken } from '../crypto/random.js';
import type { Kv, KvLock } from './kv.js';

/** Compare-and-delete in one step: GET then DEL from the client would race with another instance's SET. */
const DELETE_IF_EQUALS = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** INCR that starts the window on the first hit only, so a busy key cannot keep its window open forever. */
const INCREMENT_IN_WINDOW = `local n = redis.call('incr', KEYS[1]) if n == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end return n`;

/** Kv on Redis, every key and channel under `prefix` so several deployments (or test runs) can share one Redis. */
export class RedisKv implements Kv {
  readonly #redis: Redis;
  /** A connection in subscriber mode can do nothing else: a second one, opened on first subscribe. */
  #subscriber: Redis | undefined;
  readonly #listeners = new Map<string, ((message: string) => void)[]>();

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly onError: (error: Error) => void = () => {},
  ) {
    // Fail fast instead of queueing commands forever while Redis is down: callers turn errors into 503s.
    this.#redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: false });
    // Without a listener ioredis prints every reconnect failure to stderr; route them to our logger instead.
    this.#redis.on('error', onError);
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

  async increment(key: string, ttlMs: number): Promise<number> {
    return Number(await this.#redis.eval(INCREMENT_IN_WINDOW, 1, this.prefix + key, Math.max(1, Math.ceil(ttlMs))));
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.#redis.publish(this.prefix + channel, message);
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<void> {
    if (this.#subscriber === undefined) {
      this.#subscriber = this.#redis.duplicate();
      this.#subscriber.on('error', this.onError);
      this.#subscriber.on('message', (fullChannel: string, message: string) => {
        for (const each of this.#listeners.get(fullChannel) ?? []) each(message);
      });
    }
    const fullChannel = this.prefix + channel;
    this.#listeners.set(fullChannel, [...(this.#listeners.get(fullChannel) ?? []), listener]);
    await this.#subscriber.subscribe(fullChannel);
  }

  async close(): Promise<void> {
    await this.#subscriber?.quit();
    await this.#redis.quit();
  }
}
