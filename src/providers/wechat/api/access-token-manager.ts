import { setTimeout as sleep } from 'node:timers/promises';
import { NoAccessTokenError, WechatApiError } from './errors.js';
import type { WechatApi, WechatAppCredentials } from './wechat-api.js';
import { ERRCODE } from './wire.js';

/**
 * Where access tokens are kept and locked. In one process a map; across instances Redis, so that a fleet shares
 * one token instead of knocking each other's out (errcode 40001). Implemented in store/kv*.ts.
 */
export interface SharedTokenStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Deletes only if the value is still `value`: a token refreshed meanwhile by someone else is kept. */
  deleteIfEquals(key: string, value: string): Promise<void>;
  /** A lock shared by every process using the store; undefined when someone else holds it. */
  tryLock(key: string, ttlMs: number): Promise<{ release(): Promise<void> } | undefined>;
}

export type TokenSource = 'stable' | 'plain';
/** `read-only`: never fetch from WeChat; use what a `fetch` instance stored. */
export type TokenMode = 'fetch' | 'read-only';

interface CachedToken {
  token: string;
  /** Epoch ms after which the token is replaced, while WeChat still accepts it. */
  renewAt: number;
}

/**
 * Tokens are replaced when 5 minutes are left (WeChat renews stable tokens then too), or halfway through their
 * life if they came with less than 10 minutes, so a short-lived token is not refetched on every call.
 */
const RENEW_MARGIN_MS = 5 * 60_000;
const LOCK_TTL_MS = 10_000;
const LOCK_WAIT_MS = 5_000;
const LOCK_POLL_MS = 25;
/** The errcodes that mean "this access token is no good", after which one refetch and one retry are worth it. */
const TOKEN_REJECTED = new Set<number>([ERRCODE.INVALID_CREDENTIAL, ERRCODE.ACCESS_TOKEN_EXPIRED, ERRCODE.INVALID_ACCESS_TOKEN]);

export interface AccessTokenManagerDeps {
  wechat: WechatApi;
  /** The apps' credentials, by appid. */
  apps: ReadonlyMap<string, WechatAppCredentials>;
  store: SharedTokenStore;
  clock: () => number;
  source: TokenSource;
  mode: TokenMode;
}

/**
 * Access tokens for server-to-WeChat calls, done the way the best SDKs do it: cached; one fetch at a time per app
 * (single flight in the process, a shared lock across processes, the cache re-checked after the lock is won);
 * and on a rejected token, drop it only if it is still the cached one, refetch once, retry once.
 */
export class AccessTokenManager {
  readonly #inFlight = new Map<string, Promise<CachedToken>>();

  constructor(private readonly deps: AccessTokenManagerDeps) {}

  /** Runs `use` with a valid token for `appid`; a token WeChat rejects is replaced and `use` retried once. */
  async withToken<T>(appid: string, use: (accessToken: string) => Promise<T>): Promise<T> {
    const first = await this.current(appid);
    try {
      return await use(first.token);
    } catch (error) {
      if (!(error instanceof WechatApiError) || !TOKEN_REJECTED.has(error.errcode)) throw error;
      await this.deps.store.deleteIfEquals(storeKey(appid), JSON.stringify(first));
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
    let lock = await this.deps.store.tryLock(lockKey(appid), LOCK_TTL_MS);
    while (lock === undefined) {
      // Another instance is fetching: its token will appear in the cache.
      await sleep(LOCK_POLL_MS);
      const stored = await this.readCache(appid);
      if (stored !== undefined) return stored;
      if (this.deps.clock() > deadline) break; // the holder died; its lock expires soon anyway
      lock = await this.deps.store.tryLock(lockKey(appid), LOCK_TTL_MS);
    }
    try {
      return (await this.readCache(appid)) ?? (await this.fetch(appid));
    } finally {
      await lock?.release();
    }
  }

  private async fetch(appid: string): Promise<CachedToken> {
    const app = this.deps.apps.get(appid);
    if (app === undefined) throw new Error(`no credentials for ${appid}`);
    const fetched =
      this.deps.source === 'stable' ? await this.deps.wechat.stableAccessToken(app) : await this.deps.wechat.plainAccessToken(app);
    const lifetime = fetched.expiresInSeconds * 1000;
    const entry: CachedToken = { token: fetched.token, renewAt: this.deps.clock() + Math.max(lifetime - RENEW_MARGIN_MS, lifetime / 2) };
    await this.deps.store.set(storeKey(appid), JSON.stringify(entry), lifetime);
    return entry;
  }

  private async readCache(appid: string): Promise<CachedToken | undefined> {
    const raw = await this.deps.store.get(storeKey(appid));
    if (raw === undefined) return undefined;
    const entry = JSON.parse(raw) as CachedToken;
    return this.deps.clock() < entry.renewAt ? entry : undefined;
  }
}

function storeKey(appid: string): string {
  return `wechat:access-token:${appid}`;
}

function lockKey(appid: string): string {
  return `wechat:access-token-lock:${appid}`;
}
