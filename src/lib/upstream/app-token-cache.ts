import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Where app access tokens are kept and locked. In one process a map; across instances Redis, so that a fleet shares
 * one token instead of knocking each other's out (a platform invalidates the previous token when a new one is
 * fetched). Implemented by store/kv*.ts.
 */
export interface SharedTokenStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Deletes only if the value is still `value`: a token refreshed meanwhile by someone else is kept. */
  deleteIfEquals(key: string, value: string): Promise<void>;
  /** A lock shared by every process using the store; undefined when someone else holds it. */
  tryLock(key: string, ttlMs: number): Promise<{ release(): Promise<void> } | undefined>;
}

/** `read-only`: never fetch from the platform; use what a `fetch` instance stored. */
export type TokenMode = 'fetch' | 'read-only';

export interface FetchedAppToken {
  token: string;
  expiresInSeconds: number;
}

export interface CachedToken {
  token: string;
  /** Epoch ms after which the token is replaced, while the platform still accepts it. */
  renewAt: number;
}

/** A read-only instance found no access token in the shared cache: the process that refreshes them has not run. */
export class NoAccessTokenError extends Error {
  override readonly name = 'NoAccessTokenError';
  constructor(readonly appid: string) {
    super(`no access token for ${appid} in the shared cache, and this instance is set to only read them`);
  }
}

/**
 * Tokens are replaced when 5 minutes are left (WeChat renews stable tokens then too, Douyin keeps the old one 5
 * minutes after a new fetch), or halfway through their life if they came with less than 10 minutes, so a short-lived
 * token is not refetched on every call.
 */
const RENEW_MARGIN_MS = 5 * 60_000;
const LOCK_TTL_MS = 10_000;
const LOCK_WAIT_MS = 5_000;
const LOCK_POLL_MS = 25;

export interface AppTokenCacheDeps {
  /** Names the platform in the shared keys (`<platform>:access-token:<appid>`). */
  platform: string;
  /** Asks the platform for a new token for `appid`. */
  fetch(appid: string): Promise<FetchedAppToken>;
  /** True for the platform's answers that mean "this access token is no good": one refetch and one retry follow. */
  rejectsToken(error: unknown): boolean;
  store: SharedTokenStore;
  clock: () => number;
  mode: TokenMode;
}

/**
 * App access tokens for server-to-platform calls, done the way the best SDKs do it: cached; one fetch at a time per
 * app (single flight in the process, a shared lock across processes, the cache re-checked after the lock is won);
 * and on a rejected token, drop it only if it is still the cached one, refetch once, retry once.
 */
export class AppTokenCache {
  readonly #inFlight = new Map<string, Promise<CachedToken>>();

  constructor(private readonly deps: AppTokenCacheDeps) {}

  /** Runs `use` with a valid token for `appid`; a token the platform rejects is replaced and `use` retried once. */
  async withToken<T>(appid: string, use: (accessToken: string) => Promise<T>): Promise<T> {
    const first = await this.current(appid);
    try {
      return await use(first.token);
    } catch (error) {
      if (!this.deps.rejectsToken(error)) throw error;
      await this.deps.store.deleteIfEquals(this.#storeKey(appid), JSON.stringify(first));
      const second = await this.current(appid);
      return use(second.token);
    }
  }

  /** The cached token if it has time left, else a fresh one (fetched once, however many callers are waiting). */
  async current(appid: string): Promise<CachedToken> {
    const cached = await this.readCache(appid);
    if (cached !== undefined) return cached;
    if (this.deps.mode === 'read-only') throw new NoAccessTokenError(appid);
    let pending = this.#inFlight.get(appid);
    if (pending === undefined) {
      pending = this.refreshUnderLock(appid).finally(() => this.#inFlight.delete(appid));
      this.#inFlight.set(appid, pending);
    }
    return pending;
  }

  private async refreshUnderLock(appid: string): Promise<CachedToken> {
    const deadline = this.deps.clock() + LOCK_WAIT_MS;
    const lockKey = `${this.deps.platform}:access-token-lock:${appid}`;
    let lock = await this.deps.store.tryLock(lockKey, LOCK_TTL_MS);
    while (lock === undefined) {
      // Another instance is fetching: its token will appear in the cache.
      await sleep(LOCK_POLL_MS);
      const stored = await this.readCache(appid);
      if (stored !== undefined) return stored;
      if (this.deps.clock() > deadline) break; // the holder died; its lock expires soon anyway
      lock = await this.deps.store.tryLock(lockKey, LOCK_TTL_MS);
    }
    try {
      return (await this.readCache(appid)) ?? (await this.fetch(appid));
    } finally {
      await lock?.release();
    }
  }

  private async fetch(appid: string): Promise<CachedToken> {
    const fetched = await this.deps.fetch(appid);
    const lifetime = fetched.expiresInSeconds * 1000;
    const entry: CachedToken = { token: fetched.token, renewAt: this.deps.clock() + Math.max(lifetime - RENEW_MARGIN_MS, lifetime / 2) };
    await this.deps.store.set(this.#storeKey(appid), JSON.stringify(entry), lifetime);
    return entry;
  }

  private async readCache(appid: string): Promise<CachedToken | undefined> {
    const raw = await this.deps.store.get(this.#storeKey(appid));
    if (raw === undefined) return undefined;
    const entry = JSON.parse(raw) as CachedToken;
    return this.deps.clock() < entry.renewAt ? entry : undefined;
  }

  #storeKey(appid: string): string {
    return `${this.deps.platform}:access-token:${appid}`;
  }
}
