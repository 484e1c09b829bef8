import type { PhoneNumber } from '../../../contract/api.js';
import type { ExternalIdentity, IdentityProvider, LoginCredential, PhoneProof, SessionAccount } from '../../../core/identity-provider.js';
import { WeappAuthError } from '../../../lib/errors.js';
import type { AlipayApi, AlipayAppCredentials } from '../api/alipay-api.js';
import { alipayFailure } from '../failure.js';

/** The provider id of Alipay mini programs. Alipay has no cross-app id like WeChat's unionid: no union family. */
export const ALIPAY = 'alipay';

/**
 * Which id names a user of the app: `user_id` (2088…, the same person in every app: the old standard) or `open_id`
 * (per app: the standard of new apps and of apps moved in the console's "openid配置管理").
 */
export type AlipayIdMode = 'user_id' | 'open_id';

export interface AlipayMiniProgramApp extends AlipayAppCredentials {
  idMode: AlipayIdMode;
}

export interface AlipayMiniProgramProviderDeps {
  alipay: AlipayApi;
  /** The apps served; the first is the default. */
  apps: readonly AlipayMiniProgramApp[];
}

/** A Chinese mainland mobile, as Alipay's phone answer gives it: digits only, no country code. */
const MOBILE = /^\d{5,20}$/;

/**
 * Alipay mini program login as an identity provider: my.getAuthCode's authCode → alipay.system.oauth.token → the
 * app's id of the user (subject). No secret is kept: the access_token of scope auth_base opens nothing we use.
 * An app moved from user_id to open_id keeps its users: while Alipay returns both ids, the open_id identity
 * supersedes the user_id account, and the core hands that account's user over.
 */
export class AlipayMiniProgramProvider implements IdentityProvider {
  readonly id = ALIPAY;
  readonly apps: readonly string[];
  readonly #apps: ReadonlyMap<string, AlipayMiniProgramApp>;

  constructor(private readonly deps: AlipayMiniProgramProviderDeps) {
    this.apps = deps.apps.map((app) => app.appid);
    this.#apps = new Map(deps.apps.map((app) => [app.appid, app]));
  }

  async exchange(app: string, credential: LoginCredential): Promise<ExternalIdentity> {
    const config = this.config(app);
    if (credential.code === undefined || credential.code === '') {
      throw new WeappAuthError('INVALID_CODE', 'send the authCode from my.getAuthCode as code');
    }
    let token;
    try {
      token = await this.deps.alipay.oauthToken(app, credential.code);
    } catch (error) {
      throw alipayFailure(error);
    }
    const subject = config.idMode === 'open_id' ? token.openId : token.userId;
    if (subject === undefined) {
      const other = config.idMode === 'open_id' ? 'user_id' : 'open_id';
      throw new WeappAuthError('ALIPAY_BAD_RESPONSE', `Alipay answered only ${other} for ${app}, which is set to ${config.idMode} here`, {
        details: { hint: 'id_mode', configured: config.idMode },
      });
    }
    const carried = config.idMode === 'open_id' && token.userId !== undefined ? { supersedes: [token.userId] } : {};
    return { provider: ALIPAY, app, subject, ...carried };
  }

  secretContext(app: string, subject: string): string {
    return `alipay:${app}:${subject}`;
  }

  /** my.getPhoneNumber's `response`, verified with the app's Alipay public key and opened with its AES key. */
  async phoneNumber(session: SessionAccount, proof: PhoneProof): Promise<PhoneNumber> {
    if (!('response' in proof)) {
      throw new WeappAuthError('PHONE_UNSUPPORTED', 'Alipay proves a phone number with my.getPhoneNumber’s response: send {response}');
    }
    // Alipay hands out phone numbers only to apps with content encryption set (应用AES密钥管理): without the key none opens.
    if (this.config(session.app).encryptKey === undefined) {
      throw new WeappAuthError(
        'PHONE_UNSUPPORTED',
        `no content-encryption key is configured for the Alipay app ${session.app}: set ALIPAY_ENCRYPT_KEY (ALIPAY_<appid>_ENCRYPT_KEY with ALIPAY_APPS) to the AES key of the app's 接口内容加密方式`,
        { details: { hint: 'no_encryption_key' } },
      );
    }
    let answer;
    try {
      answer = this.deps.alipay.openPhoneResponse(session.app, proof.response);
    } catch (error) {
      throw alipayFailure(error);
    }
    if (typeof answer.mobile !== 'string' || !MOBILE.test(answer.mobile)) {
      throw new WeappAuthError('DECRYPT_FAILED', 'the opened response holds no mobile number (was it my.getPhoneNumber’s?)', {
        details: { hint: 'not_phone_data' },
      });
    }
    return { phoneNumber: answer.mobile, purePhoneNumber: answer.mobile, countryCode: '86' };
  }

  private config(app: string): AlipayMiniProgramApp {
    const config = this.#apps.get(app);
    if (config === undefined) throw new Error(`Alipay app ${app} is not configured`);
    return config;
  }
}
