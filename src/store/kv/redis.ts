import { setTimeout as sleep } from 'node:timers/promises';
import type * as ioredis from 'ioredis';
import type { Redis } from 'ioredis';
import { randomToken } from '../../lib/crypto/random.js';
import { loadWhenNeeded } from '../../lib/optional-module.js';
import { type Kv, type KvLock, KvUnavailableError } from './kv.js';

/** Compare-and-delete in one step: GET then DEL from the client would race with another instance's SET. */
const DELETE_IF_EQUALS = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** INCR that starts the window on the first hit only, so a busy key cannot keep its window open forever. */
const INCREMENT_IN_WINDOW = `local n = redis.call('incr', KEYS[1]) if n == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end return n`;

/**
 * A Redis that holds a connection open but does not answer (a partition, a stalled server) costs no more than this.
 * Not much less: a busy process whose event loop stalls that long must not take its own delay for an outage.
 */
const COMMAND_TIMEOUT_MS = 1_000;
/**
 * The first commands wait for the first connection attempt, so that a server starting beside a healthy Redis (if
 * slowly, on a busy machine) serves its first requests through it. A refused connection ends the wait at once; a
 * Redis that does not answer at all ends it after this, so that it cannot keep the server from starting.
 */
const CONNECT_WAIT_MS = 5_000;

/** Told when Redis stops answering and when it answers again, once per outage, for the logs. */
export interface RedisEvents {
  unreachable(reason: string): void;
  reachable(): void;
}

/**
 * Kv on Redis, every key and channel under `prefix` so several deployments (or test runs) can share one Redis.
 * While Redis is unreachable every operation fails at once (or after COMMAND_TIMEOUT_MS) with KvUnavailableError,
 * never queueing: FallbackKv then serves from memory. ioredis reconnects and resubscribes by itself.
 */
export class RedisKv implements Kv {
  readonly #redis: Redis;
  /** Whether the first connection attempt succeeded; settled, commands no longer wait for it. */
  readonly #firstAttempt: Promise<boolean>;
  /** A connection in subscriber mode can do nothing else: a second one, opened on first subscribe. */
  #subscriber: Redis | undefined;
  readonly #listeners = new Map<string, ((message: string) => void)[]>();
  #unreachable = false;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly events: RedisEvents = { unreachable: () => {}, reachable: () => {} },
  ) {
    this.#redis = new (loadWhenNeeded<typeof ioredis>('ioredis').Redis)(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      // An operator's CLIENT LIST tells which deployment (key prefix) each connection serves.
      connectionName: connectionName(prefix),
    });
    this.#firstAttempt = new Promise((resolve) => {
      this.#redis.once('ready', () => resolve(true));
      this.#redis.once('close', () => resolve(false));
      setTimeout(() => resolve(false), CONNECT_WAIT_MS).unref();
    });
    // Without a listener ioredis prints every reconnect failure to stderr; one line per outage goes to our log.
    this.#redis.on('error', (error: Error) => this.#lost(describe(error)));
    this.#redis.on('ready', () => this.#answered());
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#run('get', () => this.#redis.get(this.prefix + key))) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.#run('set', () => this.#redis.set(this.prefix + key, value, 'PX', wholeMs(ttlMs)));
  }

  async deleteIfEquals(key: string, value: string): Promise<void> {
    await this.#run('deleteIfEquals', () => this.#redis.eval(DELETE_IF_EQUALS, 1, this.prefix + key, value));
  }

  async tryLock(key: string, ttlMs: number): Promise<KvLock | undefined> {
    const owner = randomToken(16);
    const taken = await this.#run('tryLock', () => this.#redis.set(this.prefix + key, owner, 'PX', wholeMs(ttlMs), 'NX'));
    if (taken !== 'OK') return undefined;
    return { release: async () => this.deleteIfEquals(key, owner) };
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    return Number(await this.#run('increment', () => this.#redis.eval(INCREMENT_IN_WINDOW, 1, this.prefix + key, wholeMs(ttlMs))));
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.#run('publish', () => this.#redis.publish(this.prefix + channel, message));
  }

  /** Resolves once Redis answers a PING; rejects with KvUnavailableError otherwise. For readiness. */
  async ping(): Promise<void> {
    await this.#run('ping', () => this.#redis.ping());
  }

  /**
   * Never fails for an unreachable Redis: the subscriber connection queues the SUBSCRIBE until Redis answers and
   * resubscribes after every reconnect. It waits for the subscription only while Redis answers, CONNECT_WAIT_MS at most.
   */
  async subscribe(channel: string, listener: (message: string) => void): Promise<void> {
    if (this.#subscriber === undefined) {
      // Unlike commands, a SUBSCRIBE waits for Redis however long it takes.
      this.#subscriber = this.#redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined });
      this.#subscriber.on('error', (error: Error) => this.#lost(describe(error)));
      this.#subscriber.on('message', (fullChannel: string, message: string) => {
        for (const each of this.#listeners.get(fullChannel) ?? []) each(message);
      });
    }
    const fullChannel = this.prefix + channel;
    this.#listeners.set(fullChannel, [...(this.#listeners.get(fullChannel) ?? []), listener]);
    const subscribed = this.#subscriber.subscribe(fullChannel).catch((error: Error) => this.#lost(describe(error)));
    await this.#firstAttempt;
    if (this.#redis.status === 'ready') await Promise.race([subscribed, sleep(CONNECT_WAIT_MS, undefined, { ref: false })]);
  }

  async close(): Promise<void> {
    for (const connection of [this.#subscriber, this.#redis]) {
      // QUIT waits for Redis's answer; a connection that is down is simply dropped.
      if (connection?.status === 'ready') await connection.quit().catch(() => connection.disconnect());
      else connection?.disconnect();
    }
  }

  async #run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    await this.#firstAttempt;
    let result: T;
    try {
      result = await command();
    } catch (error) {
      const reason = `redis ${operation}: ${describe(error)}`;
      // Redis answered, refusing the command itself (a key of another type, a script error): a bug to see, not an
      // outage for the fallback to hide.
      if (isCommandError(error)) throw new Error(reason);
      this.#lost(reason);
      throw new KvUnavailableError(reason);
    }
    this.#answered();
    return result;
  }

  #lost(reason: string): void {
    if (this.#unreachable) return;
    this.#unreachable = true;
    this.events.unreachable(reason);
  }

  #answered(): void {
    if (!this.#unreachable) return;
    this.#unreachable = false;
    this.events.reachable();
  }
}

/** `weapp-auth:<prefix>`, in the characters CLIENT SETNAME accepts (no spaces). */
export function connectionName(prefix: string): string {
  return `weapp-auth:${prefix}`.replace(/[^\x21-\x7e]/g, '_');
}

/** Redis takes whole milliseconds, at least one. */
function wholeMs(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}

/** Redis's own answers that mean it cannot serve now (loading, busy, read-only replica, out of memory, ...). */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|OOM|TRYAGAIN|CLUSTERDOWN|NOREPLICAS)\b/;

function isCommandError(error: unknown): boolean {
  return error instanceof loadWhenNeeded<typeof ioredis>('ioredis').ReplyError && !UNAVAILABLE_REPLY.test((error as Error).message);
}

/** Name and message only: ioredis errors carry the command and its arguments as properties. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
