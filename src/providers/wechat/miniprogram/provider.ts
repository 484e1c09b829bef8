import type { ExternalIdentity, IdentityProvider } from '../../../core/identity-provider.js';
import type { WechatApi, WechatAppCredentials } from '../api/wechat-api.js';
import { wechatFailure } from '../failure.js';

/** The provider id of WeChat mini programs, and the family their unionids are comparable within. */
export const WECHAT = 'wechat';

export interface WechatMiniProgramProviderDeps {
  wechat: WechatApi;
  /** The apps served, with their credentials; the first is the default. */
  apps: readonly WechatAppCredentials[];
}

/**
 * WeChat mini program login as an identity provider: a wx.login code → code2Session → openid (subject), unionid
 * (family 'wechat': one Open Platform account's apps share it) and session_key (the secret, sealed by the core).
 */
export class WechatMiniProgramProvider implements IdentityProvider {
  readonly id = WECHAT;
  readonly apps: readonly string[];
  readonly #credentials: ReadonlyMap<string, WechatAppCredentials>;

  constructor(private readonly deps: WechatMiniProgramProviderDeps) {
    this.apps = deps.apps.map((app) => app.appid);
    this.#credentials = new Map(deps.apps.map((app) => [app.appid, app]));
  }

  async exchange(app: string, credential: { code: string }): Promise<ExternalIdentity> {
    const credentials = this.#credentials.get(app);
    if (credentials === undefined) throw new Error(`WeChat app ${app} is not configured`);
    let session;
    try {
      session = await this.deps.wechat.code2Session(credentials, credential.code);
    } catch (error) {
      throw wechatFailure(error);
    }
    return {
      provider: WECHAT,
      app,
      subject: session.openid,
      ...(session.unionid === null ? {} : { union: { family: WECHAT, key: session.unionid } }),
      secret: session.sessionKey,
    };
  }

  /** The account a sealed session_key belongs to; unchanged since 0.1, so keys sealed then still open. */
  secretContext(app: string, subject: string): string {
    return `session-key:${app}:${subject}`;
  }
}
