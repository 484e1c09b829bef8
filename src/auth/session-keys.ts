import type { Kysely } from 'kysely';
import type { SealedBox } from '../crypto/sealed-box.js';
import { WeappAuthError } from '../errors.js';
import type { Database } from '../store/schema.js';
import { findSession } from '../store/sessions.js';
import { findAccount, updateAccountOnLogin } from '../store/wechat-accounts.js';
import type { AccessTokenManager } from '../wechat/access-token-manager.js';
import type { WechatClient } from '../wechat/client.js';
import { WechatApiError } from '../wechat/errors.js';
import { ERRCODE } from '../wechat/wire.js';
import type { AccessClaims } from './access-tokens.js';
import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import { sessionKeyContext } from './link-account.js';
import type { SharedFlight } from './shared-flight.js';
import { wechatFailure } from './wechat-failure.js';

/** The WeChat account behind a signed-in session, with its stored session_key opened. Never leaves the server. */
export interface AccountKey {
  userId: string;
  appid: string;
  openid: string;
  sessionKey: string;
  updatedAt: number;
}

/**
 * The stored session_key of a session's WeChat account: opening it, asking WeChat whether it is still current
 * (a later wx.login may have rotated it), and resetting it.
 */
export class SessionKeys {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SealedBox,
    private readonly wechat: WechatClient,
    private readonly tokens: AccessTokenManager,
    /** One reset per account at a time across instances: WeChat accepts a reset only with the current key. */
    private readonly resets: SharedFlight<number>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async of(claims: AccessClaims): Promise<AccountKey> {
    const session = await findSession(this.db, claims.sessionId);
    if (session === undefined) throw new WeappAuthError('SESSION_REVOKED', 'the session no longer exists');
    return this.load(session.appid, session.openid);
  }

  private async load(appid: string, openid: string): Promise<AccountKey> {
    const account = await findAccount(this.db, appid, openid);
    if (account === undefined) throw new WeappAuthError('SESSION_REVOKED', 'the session no longer exists');
    return {
      userId: account.user_id,
      appid: account.appid,
      openid: account.openid,
      sessionKey: this.box.open(account.session_key_sealed, sessionKeyContext(account.appid, account.openid)),
      updatedAt: Number(account.session_key_updated_at),
    };
  }

  /** WeChat's checksession: is the stored key the one WeChat holds now? */
  async isCurrent(account: AccountKey): Promise<boolean> {
    try {
      return await this.tokens.withToken(account.appid, (token) =>
        this.wechat.isSessionKeyCurrent(token, account.openid, account.sessionKey),
      );
    } catch (error) {
      throw wechatFailure(error);
    }
  }

  /**
   * resetusersessionkey: replaces a current key (one that may have leaked) with a new one. A key that is already
   * stale cannot be reset this way: WeChat demands proof of the current key, so the client must wx.login again.
   */
  async reset(account: AccountKey): Promise<number> {
    return this.resets.run(`${account.appid}:${account.openid}`, () => this.resetOnce(account));
  }

  private async resetOnce(account: AccountKey): Promise<number> {
    if (!(await this.isCurrent(account))) throw sessionKeyExpired();
    let fresh: string;
    try {
      fresh = await this.tokens.withToken(account.appid, (token) => this.wechat.resetSessionKey(token, account.openid, account.sessionKey));
    } catch (error) {
      if (error instanceof WechatApiError && error.errcode === ERRCODE.INVALID_SIGNATURE) return this.afterLostRace(account);
      throw wechatFailure(error);
    }
    const now = this.clock();
    const sealed = this.box.seal(fresh, sessionKeyContext(account.appid, account.openid));
    await updateAccountOnLogin(this.db, account, { sessionKeySealed: sealed, unionid: null, now });
    await this.audit.record('session_key_reset', { userId: account.userId, appid: account.appid });
    return now;
  }

  /**
   * WeChat refused the key we proved: between our check and our reset it changed. If a login stored a newer key
   * meanwhile, the key has been replaced as the caller wanted; otherwise it really is stale.
   */
  private async afterLostRace(account: AccountKey): Promise<number> {
    const now = await this.load(account.appid, account.openid);
    if (now.updatedAt !== account.updatedAt && (await this.isCurrent(now))) return now.updatedAt;
    throw sessionKeyExpired();
  }
}

export function sessionKeyExpired(): WeappAuthError {
  return new WeappAuthError(
    'SESSION_KEY_EXPIRED',
    'the stored session_key is no longer current (a later wx.login rotated it): log in again with a new wx.login code, then retry',
  );
}
