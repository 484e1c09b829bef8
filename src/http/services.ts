import type { Capabilities } from '../core/capabilities.js';
import type { Login } from '../core/login.js';
import type { Profiles } from '../core/profile.js';
import type { RateLimiter } from '../core/rate-limiter.js';
import type { Sessions } from '../core/sessions.js';
import type { AccessTokens } from '../core/tokens/access-tokens.js';
import type { SigningKeyRing } from '../core/tokens/signing-keys.js';
import type { Metrics } from '../observability/metrics.js';
import type { SessionKeys } from '../providers/wechat/miniprogram/session-keys.js';

/** The domain services the HTTP layer calls; built once by the server and handed to every route module. */
export interface Services {
  login: Login;
  sessions: Sessions;
  profiles: Profiles;
  accessTokens: AccessTokens;
  signingKeys: SigningKeyRing;
  /** Phone numbers and encrypted data, from whichever provider the session signed in through. */
  capabilities: Capabilities;
  /** WeChat's session_key health and legacy signatures. */
  sessionKeys: SessionKeys;
  limiter: RateLimiter;
  metrics: Metrics;
  /** Round trip to the database, for readiness. */
  pingDatabase: () => Promise<void>;
  /** Round trip to Redis when one is configured, for readiness; rejects with REDIS_UNAVAILABLE. */
  pingRedis: (() => Promise<void>) | undefined;
}
