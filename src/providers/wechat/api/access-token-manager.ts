import { AppTokenCache, type CachedToken, type SharedTokenStore, type TokenMode } from '../../../lib/upstream/app-token-cache.js';
import { WechatApiError } from './errors.js';
import type { WechatApi, WechatAppCredentials } from './wechat-api.js';
import { ERRCODE } from './wire.js';

export type { SharedTokenStore, TokenMode } from '../../../lib/upstream/app-token-cache.js';

export type TokenSource = 'stable' | 'plain';

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

/** WeChat's server access tokens (stable_token or the plain token), cached and shared by lib's AppTokenCache. */
export class AccessTokenManager {
  readonly #cache: AppTokenCache;

  constructor(deps: AccessTokenManagerDeps) {
    this.#cache = new AppTokenCache({
      platform: 'wechat',
      store: deps.store,
      clock: deps.clock,
      mode: deps.mode,
      rejectsToken: (error) => error instanceof WechatApiError && TOKEN_REJECTED.has(error.errcode),
      fetch: async (appid) => {
        const app = deps.apps.get(appid);
        if (app === undefined) throw new Error(`no credentials for ${appid}`);
        return deps.source === 'stable' ? deps.wechat.stableAccessToken(app) : deps.wechat.plainAccessToken(app);
      },
    });
  }

  /** Runs `use` with a valid token for `appid`; a token WeChat rejects is replaced and `use` retried once. */
  withToken<T>(appid: string, use: (accessToken: string) => Promise<T>): Promise<T> {
    return this.#cache.withToken(appid, use);
  }

  /** The cached token if it has time left, else a fresh one (fetched once, however many callers are waiting). */
  current(appid: string): Promise<CachedToken> {
    return this.#cache.current(appid);
  }
}
