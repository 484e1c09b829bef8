import type { PhoneNumber } from '../contract/api.js';
import type { RequestOrigin } from './request-origin.js';

/**
 * The seam between the identity core and each login surface, a provider: WeChat's, Douyin's, Alipay's, QQ's,
 * Baidu's and Kuaishou's mini programs. A provider turns a one-time credential into an external identity, or throws
 * a WeappAuthError with a stable code; the core does the rest: single flight, limits, accounts, users, guests,
 * sessions, tokens, audit. A provider's extra capabilities (phone numbers, encrypted data) are optional methods the
 * core calls with the session's account, its secret already opened.
 */

/** What the client sends to log in. */
export interface LoginCredential {
  /**
   * The platform's one-time login code: wx/tt/qq/ks.login's `code`, my.getAuthCode's `authCode`,
   * swan.getLoginCode's `code`. Absent for a Douyin guest.
   */
  code?: string;
  /** Douyin's tt.login `anonymousCode`: names the device, whether or not the user is logged in to the host app. */
  anonymousCode?: string;
}

/** Who the user is, as one provider knows them in one app. */
export interface ExternalIdentity {
  /** The provider's id, e.g. 'wechat'. */
  provider: string;
  /** The app (WeChat appid, Douyin appid, ...) the credential was issued for. */
  app: string;
  /** Unique within (provider, app): WeChat's openid. */
  subject: string;
  /**
   * A key naming the same person across apps, comparable only within its family: WeChat's unionid (family
   * 'wechat') joins WeChat apps of one Open Platform account; Douyin's unionid is another family.
   */
  union?: { family: string; key: string };
  /** A per-account secret the provider needs later (WeChat's session_key); sealed by the core, never shown. */
  secret?: string;
  /** A guest: known only by a device-bound id (Douyin's anonymous_openid), not by a platform account. */
  guest?: boolean;
  /**
   * Subjects of the same (provider, app) this identity takes over: when the identity has no account yet and one of
   * these has, the new account joins that account's user, so the person keeps their data. Douyin: the device's
   * guest subject (a guest who logs in); Alipay: the user_id of an app moved to open_id.
   */
  supersedes?: readonly string[];
}

/** The session asking for a capability, with its account's secret opened by the core. Never leaves the server. */
export interface SessionAccount {
  userId: string;
  sessionId: string;
  provider: string;
  app: string;
  subject: string;
  /** The account's secret as of its latest login (a session_key); undefined when it has none. */
  secret: string | undefined;
  /** When that secret was stored, epoch milliseconds; undefined with it. */
  secretUpdatedAt: number | undefined;
}

/** Proof of the user's phone number from the platform's phone button, as the client received it. */
export type PhoneProof =
  /** WeChat's and Douyin's getPhoneNumber button code. */
  | { code: string }
  /** Legacy encryptedData and iv, opened with the session key (WeChat, Douyin, QQ, Baidu, Kuaishou). */
  | { encryptedData: string; iv: string }
  /** Alipay's my.getPhoneNumber `response` string, verbatim. */
  | { response: string };

/** encryptedData and its iv as the platform handed them to the client. */
export interface EncryptedPayload {
  encryptedData: string;
  iv: string;
}

/** One call to a platform's API, for metrics and debug logs: never a secret in it. */
export interface UpstreamCall {
  /** The platform's API, by path or method name ('jscode2session', 'alipay.system.oauth.token'). */
  api: string;
  /** 'ok', the platform's error number or string, or 'timeout', 'unreachable', 'bad_answer'. */
  outcome: string;
  durationMs: number;
}

export interface IdentityProvider {
  /** Lower-case, stable: stored with every account and session and carried in tokens (`idp`). */
  readonly id: string;
  /** The apps this provider serves; the first is the default for a login that names none. */
  readonly apps: readonly string[];
  /** Exchanges a one-time credential from the client for the identity behind it. */
  exchange(app: string, credential: LoginCredential): Promise<ExternalIdentity>;
  /** Associated data binding a sealed secret to its account, so a ciphertext opens only for that account. */
  secretContext(app: string, subject: string): string;
  /**
   * The phone number the platform proves for the session's user; absent where the platform has none. A proof of a
   * shape the platform does not give throws PHONE_UNSUPPORTED.
   */
  phoneNumber?(session: SessionAccount, proof: PhoneProof, origin: RequestOrigin): Promise<PhoneNumber>;
  /** Opens the platform's encryptedData with the account's secret; absent where the platform has none. */
  decrypt?(session: SessionAccount, payload: EncryptedPayload, origin: RequestOrigin): Promise<Record<string, unknown>>;
}
