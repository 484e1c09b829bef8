import type { KeyObject } from 'node:crypto';
import type { PhoneNumber } from '../../../contract/api.js';
import type {
  EncryptedPayload,
  ExternalIdentity,
  IdentityProvider,
  LoginCredential,
  PhoneProof,
  SessionAccount,
} from '../../../core/identity-provider.js';
import { DecryptError, decryptUserData } from '../../../lib/crypto/user-data.js';
import { WeappAuthError } from '../../../lib/errors.js';
import { AppTokenCache, type SharedTokenStore, type TokenMode } from '../../../lib/upstream/app-token-cache.js';
import type { DouyinApi, DouyinAppCredentials } from '../api/douyin-api.js';
import { DouyinApiError } from '../api/errors.js';
import { ERR_NO } from '../api/wire.js';
import { douyinFailure } from '../failure.js';

/** The provider id of Douyin mini programs, and the family their unionids are comparable within. */
export const DOUYIN = 'douyin';

/** A guest's subject: the device's anonymous_openid, prefixed so that it can never equal an openid. */
export const GUEST_PREFIX = 'anonymous:';

export interface DouyinApp extends DouyinAppCredentials {
  /** Opens get_phonenumber_info's answers (the console holds its public half); the phone-by-code flow needs it. */
  phonePrivateKey?: KeyObject;
}

export interface DouyinMiniProgramProviderDeps {
  douyin: DouyinApi;
  /** The apps served, with their credentials; the first is the default. */
  apps: readonly DouyinApp[];
  /** Where app access tokens are shared across instances (the kv). */
  tokenStore: SharedTokenStore;
  clock: () => number;
  tokenMode?: TokenMode;
}

/** Answers that mean the app access token is no good: one refetch and one retry follow. */
const TOKEN_REJECTED: ReadonlySet<number> = new Set([ERR_NO.ACCESS_TOKEN_INVALID, ERR_NO.ACCESS_TOKEN_EXPIRED]);

/**
 * Douyin mini program login as an identity provider. tt.login gives `code` (a user logged in to the host app) and
 * `anonymousCode` (always: it names the device). A code → openid (subject), unionid (family 'douyin') and
 * session_key (the secret); an anonymousCode alone → a guest known by the device's anonymous_openid; both → the
 * user, taking over the device's guest account (supersedes) so what the guest did stays theirs.
 */
export class DouyinMiniProgramProvider implements IdentityProvider {
  readonly id = DOUYIN;
  readonly apps: readonly string[];
  readonly #apps: ReadonlyMap<string, DouyinApp>;
  readonly #tokens: AppTokenCache;

  constructor(private readonly deps: DouyinMiniProgramProviderDeps) {
    this.apps = deps.apps.map((app) => app.appid);
    this.#apps = new Map(deps.apps.map((app) => [app.appid, app]));
    this.#tokens = new AppTokenCache({
      platform: DOUYIN,
      store: deps.tokenStore,
      clock: deps.clock,
      mode: deps.tokenMode ?? 'fetch',
      rejectsToken: (error) => error instanceof DouyinApiError && TOKEN_REJECTED.has(error.errNo),
      fetch: (appid) => deps.douyin.accessToken(this.#app(appid)),
    });
  }

  async exchange(app: string, credential: LoginCredential): Promise<ExternalIdentity> {
    const { code, anonymousCode } = credential;
    if (!code && !anonymousCode) throw new WeappAuthError('VALIDATION_FAILED', 'send tt.login’s code, anonymousCode, or both');
    let session;
    try {
      session = await this.deps.douyin.code2Session(this.#app(app), {
        ...(code ? { code } : {}),
        ...(anonymousCode ? { anonymousCode } : {}),
      });
    } catch (error) {
      throw douyinFailure(error);
    }
    const device = session.anonymousOpenid === null ? [] : [GUEST_PREFIX + session.anonymousOpenid];
    if (session.openid === null || session.sessionKey === null) {
      return { provider: DOUYIN, app, subject: device[0] ?? '', guest: true };
    }
    return {
      provider: DOUYIN,
      app,
      subject: session.openid,
      ...(session.unionid === null ? {} : { union: { family: DOUYIN, key: session.unionid } }),
      secret: session.sessionKey,
      ...(device.length > 0 ? { supersedes: device } : {}),
    };
  }

  secretContext(app: string, subject: string): string {
    return `douyin-session-key:${app}:${subject}`;
  }

  /** The new way (a button code, opened with the app's private key) or the legacy one (encryptedData + iv). */
  async phoneNumber(session: SessionAccount, proof: PhoneProof): Promise<PhoneNumber> {
    if ('code' in proof) return this.#phoneByCode(session, proof.code);
    if ('encryptedData' in proof) return phoneOf(await this.decrypt(session, proof), 'DECRYPT_FAILED');
    throw new WeappAuthError('PHONE_UNSUPPORTED', 'Douyin proves phone numbers with the button’s code or encryptedData + iv');
  }

  /** encryptedData (legacy getPhoneNumber, getUserInfo) opened with the session_key of the account's latest login. */
  async decrypt(session: SessionAccount, payload: EncryptedPayload): Promise<Record<string, unknown>> {
    if (session.secret === undefined) {
      throw new WeappAuthError('SESSION_KEY_EXPIRED', 'this account has no session_key (a guest): log in with tt.login’s code, then retry');
    }
    let data: Record<string, unknown>;
    try {
      data = decryptUserData(session.secret, payload.encryptedData, payload.iv);
    } catch (error) {
      if (!(error instanceof DecryptError)) throw error;
      if (error.failure === 'spaces_in_base64' || error.failure === 'url_encoded') {
        throw new WeappAuthError('DECRYPT_FAILED', error.message, { details: { hint: error.failure } });
      }
      if (error.failure !== 'wrong_key_or_damaged') throw new WeappAuthError('VALIDATION_FAILED', error.message);
      // Douyin offers mini programs no checksession: a tt.login since this login's key is the likeliest cause.
      throw new WeappAuthError(
        'SESSION_KEY_EXPIRED',
        'encryptedData did not open with the session_key of the latest login (a later tt.login replaces it): log in again, then ask for the data again',
      );
    }
    if ((data.watermark as { appid?: unknown } | undefined)?.appid !== session.app) {
      throw new WeappAuthError('WATERMARK_MISMATCH', 'the data was encrypted for another app (watermark.appid differs)');
    }
    return data;
  }

  async #phoneByCode(session: SessionAccount, code: string): Promise<PhoneNumber> {
    const key = this.#app(session.app).phonePrivateKey;
    if (key === undefined) {
      throw new WeappAuthError(
        'PHONE_UNSUPPORTED',
        'no private key is configured for this Douyin app (DOUYIN_PRIVATE_KEY): send encryptedData + iv',
      );
    }
    let data: Record<string, unknown>;
    try {
      data = await this.#tokens.withToken(session.app, (token) => this.deps.douyin.phoneNumber(token, code, key));
    } catch (error) {
      throw douyinFailure(error);
    }
    if ((data.watermark as { appid?: unknown } | undefined)?.appid !== session.app) {
      throw new WeappAuthError('WATERMARK_MISMATCH', 'Douyin returned a phone number watermarked for another app');
    }
    return phoneOf(data, 'DOUYIN_BAD_RESPONSE');
  }

  #app(appid: string): DouyinApp {
    const app = this.#apps.get(appid);
    if (app === undefined) throw new Error(`Douyin app ${appid} is not configured`);
    return app;
  }
}

/** The phone number in a decrypted payload; `code` names whose fault a payload without one is. */
function phoneOf(data: Record<string, unknown>, code: 'DECRYPT_FAILED' | 'DOUYIN_BAD_RESPONSE'): PhoneNumber {
  const { phoneNumber, purePhoneNumber, countryCode } = data;
  if (
    typeof phoneNumber !== 'string' ||
    typeof purePhoneNumber !== 'string' ||
    (typeof countryCode !== 'string' && typeof countryCode !== 'number')
  ) {
    throw new WeappAuthError(code, 'the decrypted data is not a phone number', { details: { hint: 'not_phone_data' } });
  }
  return { phoneNumber, purePhoneNumber, countryCode: String(countryCode) };
}
