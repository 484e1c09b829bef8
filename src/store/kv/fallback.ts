import { type Kv, type KvLock, KvUnavailableError, MemoryKv } from './kv.js';

/** After Redis failed, operations go straight to memory this long before Redis is tried again. */
const RETRY_AFTER_MS = 1_000;

/**
 * The shared kv (Redis) with this instance's memory behind it. When Redis cannot be reached or does not answer in
 * time, an operation is done in memory instead, so the instance keeps serving alone rather than failing: rate
 * limits count per instance, locks and single flights hold within the instance, WeChat access tokens are cached
 * by the instance, revocation news reaches only the instance. For RETRY_AFTER_MS after a failure Redis is not
 * even tried (a Redis that times out must not slow every request); then it is, so recovery needs no restart.
 */
export class FallbackKv implements Kv {
  readonly #local = new MemoryKv();
  #skipSharedUntil = 0;

  constructor(
    private readonly shared: Kv,
    /** Told of every operation done in memory because Redis failed, for metrics. */
    private readonly onFallback: (operation: string) => void = () => {},
  ) {}

  get(key: string): Promise<string | undefined> {
    return this.#either(
      'get',
      () => this.shared.get(key),
      () => this.#local.get(key),
    );
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    return this.#either(
      'set',
      () => this.shared.set(key, value, ttlMs),
      () => this.#local.set(key, value, ttlMs),
    );
  }

  deleteIfEquals(key: string, value: string): Promise<void> {
    const shared = (): Promise<void> => this.shared.deleteIfEquals(key, value);
    return this.#either('deleteIfEquals', shared, () => this.#local.deleteIfEquals(key, value));
  }

  async tryLock(key: string, ttlMs: number): Promise<KvLock | undefined> {
    const sharedLock = async (): Promise<KvLock | undefined> => {
      const lock = await this.shared.tryLock(key, ttlMs);
      // A lock taken in Redis is released there; if Redis has gone meanwhile, it expires by itself.
      return lock && { release: () => lock.release().catch(unlessUnavailable) };
    };
    return this.#either('tryLock', sharedLock, () => this.#local.tryLock(key, ttlMs));
  }

  increment(key: string, ttlMs: number): Promise<number> {
    return this.#either(
      'increment',
      () => this.shared.increment(key, ttlMs),
      () => this.#local.increment(key, ttlMs),
    );
  }

  publish(channel: string, message: string): Promise<void> {
    return this.#either(
      'publish',
      () => this.shared.publish(channel, message),
      () => this.#local.publish(channel, message),
    );
  }

  /** Listens on both: Redis carries other instances' messages, memory this instance's own while Redis is away. */
  async subscribe(channel: string, listener: (message: string) => void): Promise<void> {
    await this.#local.subscribe(channel, listener);
    await this.shared.subscribe(channel, listener);
  }

  async close(): Promise<void> {
    await this.shared.close();
    await this.#local.close();
  }

  async #either<T>(operation: string, shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    if (Date.now() >= this.#skipSharedUntil) {
      try {
        return await shared();
      } catch (error) {
        if (!(error instanceof KvUnavailableError)) throw error;
        this.#skipSharedUntil = Date.now() + RETRY_AFTER_MS;
      }
    }
    this.onFallback(operation);
    return local();
  }
}

function unlessUnavailable(error: unknown): void {
  if (!(error instanceof KvUnavailableError)) throw error;
}
