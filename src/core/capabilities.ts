import type { PhoneNumber } from '../contract/api.js';
import { WeappAuthError } from '../lib/errors.js';
import type { Accounts } from './accounts.js';
import type { AuditLog } from './audit.js';
import type { EncryptedPayload, IdentityProvider, PhoneProof, SessionAccount } from './identity-provider.js';
import type { Profiles } from './profile.js';
import type { RequestOrigin } from './request-origin.js';
import type { AccessClaims } from './tokens/access-tokens.js';

export interface CapabilitiesDeps {
  providers: readonly IdentityProvider[];
  accounts: Accounts;
  profiles: Profiles;
  audit: AuditLog;
}

/**
 * What a session can ask of the provider it signed in through, whichever it is: its phone number (bound to the user
 * here, once, for every provider) and its encrypted data. The provider gets the session's account with its secret
 * opened; a failure to open data is audited with its diagnosis.
 */
export class Capabilities {
  readonly #providers: ReadonlyMap<string, IdentityProvider>;

  constructor(private readonly deps: CapabilitiesDeps) {
    this.#providers = new Map(deps.providers.map((provider) => [provider.id, provider]));
  }

  /** Reads the phone number the session's platform proves and binds it to the user. */
  async bindPhone(claims: AccessClaims, proof: PhoneProof, origin: RequestOrigin): Promise<PhoneNumber> {
    const provider = this.#provider(claims);
    if (provider.phoneNumber === undefined) {
      throw new WeappAuthError('PHONE_UNSUPPORTED', `${provider.id} has no phone number flow this server can use`);
    }
    const phoneNumber = provider.phoneNumber.bind(provider);
    const phone = await this.audited(claims, origin, !('code' in proof), (session) => phoneNumber(session, proof, origin));
    const view = { phoneNumber: phone.phoneNumber, purePhoneNumber: phone.purePhoneNumber, countryCode: phone.countryCode };
    await this.deps.profiles.change(claims.userId, {
      phone_number: view.phoneNumber,
      phone_pure_number: view.purePhoneNumber,
      phone_country_code: view.countryCode,
    });
    return view;
  }

  /** Opens encryptedData with the session's key. */
  async decrypt(claims: AccessClaims, payload: EncryptedPayload, origin: RequestOrigin): Promise<Record<string, unknown>> {
    const provider = this.#provider(claims);
    if (provider.decrypt === undefined) {
      throw new WeappAuthError('DECRYPT_UNSUPPORTED', `${provider.id} has no encrypted data this server can open`);
    }
    const decrypt = provider.decrypt.bind(provider);
    return this.audited(claims, origin, true, (session) => decrypt(session, payload, origin));
  }

  /** Runs a capability on the session's account; a failure to open data is audited as decrypt_failed with its diagnosis. */
  private async audited<T>(
    claims: AccessClaims,
    origin: RequestOrigin,
    opensData: boolean,
    use: (session: SessionAccount) => Promise<T>,
  ): Promise<T> {
    try {
      return await use(await this.deps.accounts.sessionAccount(claims));
    } catch (error) {
      if (opensData && error instanceof WeappAuthError) {
        const diagnosis = { code: error.code, ...(typeof error.details?.hint === 'string' ? { hint: error.details.hint } : {}) };
        const facts = { userId: claims.userId, sessionId: claims.sessionId, provider: claims.provider, app: claims.appid };
        await this.deps.audit.record('decrypt_failed', { ...facts, details: diagnosis }, origin);
      }
      throw error;
    }
  }

  #provider(claims: AccessClaims): IdentityProvider {
    const provider = this.#providers.get(claims.provider);
    // A token verifies only for a configured provider's app, so this is a provider removed since it was issued.
    if (provider === undefined)
      throw new WeappAuthError('UNKNOWN_PROVIDER', `provider ${claims.provider} is not configured on this server`);
    return provider;
  }
}
