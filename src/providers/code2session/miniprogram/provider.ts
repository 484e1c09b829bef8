import type { PhoneNumber } from '../../../contract/api.js';
import type {
  EncryptedPayload,
  ExternalIdentity,
  IdentityProvider,
  LoginCredential,
  PhoneProof,
  SessionAccount,
} from '../../../core/identity-provider.js';
import { DecryptError, inputDiagnosis, openEncryptedData, type SealedLayout } from '../../../lib/crypto/user-data.js';
import { WeappAuthError } from '../../../lib/errors.js';
import { type FailureTable, platformFailure } from '../failure.js';

export interface AppCredentials {
  appid: string;
  secret: string;
}

/** What a platform's code→session exchange yields. */
export interface PlatformSession {
  subject: string;
  sessionKey: string;
  unionKey?: string;
}

/** One code→session platform, as the shared provider needs it. */
export interface CodeSessionPlatform {
  id: string;
  /** The family its union keys are comparable within; absent where the login gives none. */
  unionFamily?: string;
  failures: FailureTable;
  layout: SealedLayout;
  /**
   * How encryptedData names the app it was made for: a `watermark.appid` it always carries (`required`), one it
   * may carry (`if-present`), or the app key after the data (`app-key-tail`, Baidu's layout).
   */
  appMark: 'required' | 'if-present' | 'app-key-tail';
  code2Session(app: AppCredentials, code: string): Promise<PlatformSession>;
  /** The phone number in decrypted getPhoneNumber data; undefined when the data holds none. */
  phoneOf(data: Record<string, unknown>): PhoneNumber | undefined;
}

/**
 * A code→session mini program login (QQ, Baidu, Kuaishou) as an identity provider: the platform's login code →
 * its openid (subject), union key where it has one, and session_key (the secret, sealed by the core), which later
 * opens the platform's encryptedData, the phone number's included.
 */
export class CodeSessionProvider implements IdentityProvider {
  readonly id: string;
  readonly apps: readonly string[];
  readonly #credentials: ReadonlyMap<string, AppCredentials>;

  constructor(
    private readonly platform: CodeSessionPlatform,
    apps: readonly AppCredentials[],
  ) {
    this.id = platform.id;
    this.apps = apps.map((app) => app.appid);
    this.#credentials = new Map(apps.map((app) => [app.appid, app]));
  }

  async exchange(app: string, credential: LoginCredential): Promise<ExternalIdentity> {
    const credentials = this.#credentials.get(app);
    if (credentials === undefined) throw new Error(`${this.platform.failures.name} app ${app} is not configured`);
    if (!credential.code) {
      throw new WeappAuthError('INVALID_CODE', `a code from ${this.platform.failures.login} is required`);
    }
    let session: PlatformSession;
    try {
      session = await this.platform.code2Session(credentials, credential.code);
    } catch (error) {
      throw platformFailure(error, this.platform.failures);
    }
    const family = this.platform.unionFamily;
    return {
      provider: this.id,
      app,
      subject: session.subject,
      ...(family === undefined || session.unionKey === undefined ? {} : { union: { family, key: session.unionKey } }),
      secret: session.sessionKey,
    };
  }

  secretContext(app: string, subject: string): string {
    return `session-key:${this.id}:${app}:${subject}`;
  }

  /** The legacy phone button only: encryptedData + iv opened with the session's session_key. */
  async phoneNumber(session: SessionAccount, proof: PhoneProof): Promise<PhoneNumber> {
    if (!('encryptedData' in proof)) {
      throw new WeappAuthError('PHONE_UNSUPPORTED', `${this.platform.failures.name} proves phone numbers with encryptedData and iv only`);
    }
    const phone = this.platform.phoneOf(await this.decrypt(session, proof));
    if (phone === undefined) {
      throw new WeappAuthError('DECRYPT_FAILED', 'the decrypted data is not a phone number (was it getPhoneNumber’s encryptedData?)', {
        details: { hint: 'not_phone_data' },
      });
    }
    return phone;
  }

  /**
   * Opens encryptedData with the session's session_key, checks it was made for this app and this user, and when it
   * does not open says why. None of these platforms offers a server check of the key, so a stale key and damaged
   * data cannot be told apart: the hint names both.
   */
  async decrypt(session: SessionAccount, payload: EncryptedPayload): Promise<Record<string, unknown>> {
    if (session.secret === undefined) {
      throw new WeappAuthError(
        'SESSION_KEY_EXPIRED',
        `no session_key is stored for this account: log in again with ${this.platform.failures.login}`,
      );
    }
    let opened;
    try {
      opened = openEncryptedData(this.platform.layout, session.secret, payload.encryptedData, payload.iv);
    } catch (error) {
      throw error instanceof DecryptError ? this.diagnose(error) : error;
    }
    const { data, appKey } = opened;
    const watermark = (data.watermark as { appid?: unknown } | undefined)?.appid;
    const madeFor = this.platform.appMark === 'app-key-tail' ? appKey : watermark;
    if (madeFor !== session.app && !(this.platform.appMark === 'if-present' && watermark === undefined)) {
      throw new WeappAuthError('WATERMARK_MISMATCH', 'the data was encrypted for another app');
    }
    const owner = data.openId ?? data.openid;
    if (owner !== undefined && owner !== session.subject) {
      throw new WeappAuthError('DATA_OWNER_MISMATCH', 'the data belongs to another user (openId differs)');
    }
    return data;
  }

  private diagnose(error: DecryptError): WeappAuthError {
    return (
      inputDiagnosis(error) ??
      new WeappAuthError(
        'DECRYPT_FAILED',
        `encryptedData did not open with the session_key of the latest login: if ${this.platform.failures.login} ran after the data was made, ask for it again; otherwise send encryptedData and iv exactly as given`,
        { details: { hint: 'stale_or_damaged' } },
      )
    );
  }
}
