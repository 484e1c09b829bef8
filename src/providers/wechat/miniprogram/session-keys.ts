import type { Accounts } from '../../../core/accounts.js';
import type { AuditLog } from '../../../core/audit.js';
import type { SessionAccount } from '../../../core/identity-provider.js';
import type { RequestOrigin } from '../../../core/request-origin.js';
import type { SharedFlight } from '../../../core/shared-flight.js';
import type { AccessClaims } from '../../../core/tokens/access-tokens.js';
import { WeappAuthError } from '../../../lib/errors.js';
import type { AccessTokenManager } from '../api/access-token-manager.js';
import { verifyRawDataSignature } from '../api/crypto.js';
import { WechatApiError } from '../api/errors.js';
import type { WechatApi } from '../api/wechat-api.js';
import { ERRCODE } from '../api/wire.js';
import { wechatFailure } from '../failure.js';
import { WECHAT } from './provider-id.js';

/** The WeChat account behind a signed-in session, with its stored session_key opened. Never leaves the server. */
export interface WechatAccount {
  userId: string;
  appid: string;
  openid: string;
  sessionKey: string;
  updatedAt: number;
}

/** The session's account as WeChat names it; a WeChat account always has a session_key. */
export function wechatAccountOf(session: SessionAccount): WechatAccount {
  if (session.secret === undefined || session.secretUpdatedAt === undefined) throw sessionKeyExpired();
  return {
    userId: session.userId,
    appid: session.app,
    openid: session.subject,
    sessionKey: session.secret,
    updatedAt: session.secretUpdatedAt,
  };
}

/** What asking WeChat about a session_key takes. */
export interface SessionKeyCheckDeps {
  wechat: WechatApi;
  wechatTokens: AccessTokenManager;
}

/** WeChat's checksession: is the stored key the one WeChat holds now? */
export async function isSessionKeyCurrent(deps: SessionKeyCheckDeps, account: WechatAccount): Promise<boolean> {
  try {
    return await deps.wechatTokens.withToken(account.appid, (token) =>
      deps.wechat.isSessionKeyCurrent(token, account.openid, account.sessionKey),
    );
  } catch (error) {
    throw wechatFailure(error);
  }
}

export interface SessionKeysDeps extends SessionKeyCheckDeps {
  accounts: Accounts;
  /** One reset per account at a time across instances: WeChat accepts a reset only with the current key. */
  resets: SharedFlight<number>;
  audit: AuditLog;
}

/**
 * The stored session_key of a session's WeChat account: opening it, asking WeChat whether it is still current
 * (a later wx.login may have rotated it), and resetting it.
 */
export class SessionKeys {
  constructor(private readonly deps: SessionKeysDeps) {}

  async of(claims: AccessClaims): Promise<WechatAccount> {
    if (claims.provider !== WECHAT) {
      throw new WeappAuthError('UNKNOWN_APP', `this session signed in through ${claims.provider}, not a WeChat mini program`);
    }
    const account = await this.deps.accounts.ofSession(claims.sessionId);
    return this.load(account.app, account.subject);
  }

  private async load(appid: string, openid: string): Promise<WechatAccount> {
    const account = await this.deps.accounts.secretOf({ provider: WECHAT, app: appid, subject: openid });
    if (account === undefined) throw new WeappAuthError('SESSION_REVOKED', 'the session no longer exists');
    return { userId: account.userId, appid, openid, sessionKey: account.secret, updatedAt: account.updatedAt };
  }

  /** Legacy getUserInfo rawData: sha1(rawData + session_key) must equal the signature WeChat sent beside it. */
  async verifyRawData(claims: AccessClaims, rawData: string, signature: string): Promise<boolean> {
    return verifyRawDataSignature(rawData, signature, (await this.of(claims)).sessionKey);
  }

  /** WeChat's checksession: is the stored key the one WeChat holds now? */
  async isCurrent(account: WechatAccount): Promise<boolean> {
    return isSessionKeyCurrent(this.deps, account);
  }

  /**
   * resetusersessionkey: replaces a current key (one that may have leaked) with a new one. A key that is already
   * stale cannot be reset this way: WeChat demands proof of the current key, so the client must wx.login again.
   */
  async reset(account: WechatAccount, origin: RequestOrigin): Promise<number> {
    return this.deps.resets.run(`${account.appid}:${account.openid}`, () => this.resetOnce(account, origin));
  }

  private async resetOnce(account: WechatAccount, origin: RequestOrigin): Promise<number> {
    if (!(await this.isCurrent(account))) throw sessionKeyExpired();
    let fresh: string;
    try {
      fresh = await this.deps.wechatTokens.withToken(account.appid, (token) =>
        this.deps.wechat.resetSessionKey(token, account.openid, account.sessionKey),
      );
    } catch (error) {
      if (error instanceof WechatApiError && error.errcode === ERRCODE.INVALID_SIGNATURE) return this.afterLostRace(account);
      throw wechatFailure(error);
    }
    const now = await this.deps.accounts.replaceSecret({ provider: WECHAT, app: account.appid, subject: account.openid }, fresh);
    await this.deps.audit.record('session_key_reset', { userId: account.userId, provider: WECHAT, app: account.appid }, origin);
    return now;
  }

  /**
   * WeChat refused the key we proved: between our check and our reset it changed. If a login stored a newer key
   * meanwhile, the key has been replaced as the caller wanted; otherwise it really is stale.
   */
  private async afterLostRace(account: WechatAccount): Promise<number> {
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
