import type { PhoneNumber } from '../../../contract/api.js';
import type {
  EncryptedPayload,
  ExternalIdentity,
  IdentityProvider,
  LoginCredential,
  PhoneProof,
  SessionAccount,
} from '../../../core/identity-provider.js';
import { WeappAuthError } from '../../../lib/errors.js';
import type { AccessTokenManager } from '../api/access-token-manager.js';
import type { WechatApi, WechatAppCredentials } from '../api/wechat-api.js';
import { wechatFailure } from '../failure.js';
import { EncryptedData } from './encrypted-data.js';
import { Phones } from './phone.js';
import { WECHAT } from './provider-id.js';
import { wechatAccountOf } from './session-keys.js';

export interface WechatMiniProgramProviderDeps {
  wechat: WechatApi;
  /** The apps served, with their credentials; the first is the default. */
  apps: readonly WechatAppCredentials[];
  /** Server access tokens, for phone numbers and checksession. */
  wechatTokens: AccessTokenManager;
}

/**
 * WeChat mini program login as an identity provider: a wx.login code → code2Session → openid (subject), unionid
 * (family 'wechat': one Open Platform account's apps share it) and session_key (the secret, sealed by the core).
 */
export class WechatMiniProgramProvider implements IdentityProvider {
  readonly id = WECHAT;
  readonly apps: readonly string[];
  readonly #credentials: ReadonlyMap<string, WechatAppCredentials>;
  readonly #encryptedData: EncryptedData;
  readonly #phones: Phones;

  constructor(private readonly deps: WechatMiniProgramProviderDeps) {
    this.apps = deps.apps.map((app) => app.appid);
    this.#credentials = new Map(deps.apps.map((app) => [app.appid, app]));
    this.#encryptedData = new EncryptedData(deps);
    this.#phones = new Phones({ ...deps, encryptedData: this.#encryptedData, apps: this.#credentials });
  }

  async exchange(app: string, credential: LoginCredential): Promise<ExternalIdentity> {
    const credentials = this.#credentials.get(app);
    if (credentials === undefined) throw new Error(`WeChat app ${app} is not configured`);
    if (credential.code === undefined) throw new WeappAuthError('VALIDATION_FAILED', 'a WeChat login needs the code of wx.login');
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

  async phoneNumber(session: SessionAccount, proof: PhoneProof): Promise<PhoneNumber> {
    const account = wechatAccountOf(session);
    if ('code' in proof) return this.#phones.byCode(account, proof.code);
    if ('encryptedData' in proof) return this.#phones.byEncryptedData(account, proof);
    throw new WeappAuthError('PHONE_UNSUPPORTED', 'WeChat proves a phone number with the button’s code or its encryptedData and iv');
  }

  async decrypt(session: SessionAccount, payload: EncryptedPayload): Promise<Record<string, unknown>> {
    return this.#encryptedData.open(wechatAccountOf(session), payload);
  }
}
