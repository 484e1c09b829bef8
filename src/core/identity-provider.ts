/**
 * The seam between the identity core and each login surface, a provider: WeChat mini programs today, Douyin's,
 * Alipay's and others' logins later. A provider turns a one-time credential into an external identity, or throws a
 * WeappAuthError with a stable code; the core does the rest: single flight, limits, accounts, users, sessions,
 * tokens, audit.
 */

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
}

export interface IdentityProvider {
  /** Lower-case, stable: stored with every account and session and carried in tokens (`idp`). */
  readonly id: string;
  /** The apps this provider serves; the first is the default for a login that names none. */
  readonly apps: readonly string[];
  /** Exchanges a one-time credential from the client for the identity behind it. */
  exchange(app: string, credential: { code: string }): Promise<ExternalIdentity>;
  /** Associated data binding a sealed secret to its account, so a ciphertext opens only for that account. */
  secretContext(app: string, subject: string): string;
}
