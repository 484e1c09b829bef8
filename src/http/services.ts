import type { AccessTokens } from '../auth/access-tokens.js';
import type { EncryptedData } from '../auth/encrypted-data.js';
import type { Phones } from '../auth/phone.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import type { Metrics } from '../metrics/metrics.js';
import type { SessionKeys } from '../auth/session-keys.js';
import type { Login } from '../auth/login.js';
import type { Profiles } from '../auth/profile.js';
import type { Sessions } from '../auth/sessions.js';
import type { SigningKeyRing } from '../auth/signing-keys.js';

/** The domain services the HTTP layer calls; built once by the server and handed to every route module. */
export interface Services {
  login: Login;
  sessions: Sessions;
  profiles: Profiles;
  accessTokens: AccessTokens;
  signingKeys: SigningKeyRing;
  phones: Phones;
  encryptedData: EncryptedData;
  sessionKeys: SessionKeys;
  limiter: RateLimiter;
  metrics: Metrics;
  /** Round trip to the database, for readiness. */
  pingDatabase: () => Promise<void>;
  /** Round trip to Redis when one is configured, for readiness; rejects with KvUnavailableError. */
  pingRedis: (() => Promise<void>) | undefined;
}
