import { randomBytes } from 'node:crypto';
import type { PhoneNumber } from '../../src/contract/api.js';
import type { ExternalIdentity, IdentityProvider, LoginCredential, PhoneProof, SessionAccount } from '../../src/core/identity-provider.js';
import { WeappAuthError } from '../../src/lib/errors.js';

/** A user as the fake platform knows them in one of its apps. */
export interface FakeUser {
  subject: string;
  /** A cross-app key of the platform's own family. */
  unionKey?: string;
  /** A per-account secret the platform hands out with each login, as WeChat does its session_key. */
  secret?: string;
  /** Known only by a device, as Douyin's users not logged in to Douyin. */
  guest?: boolean;
  /** Subjects this login takes over (a guest's device id). */
  supersedes?: string[];
}

/**
 * A made-up login platform, whole in this file: it mints one-time codes for its users and redeems each once, as
 * a mini program platform's code exchange does. Written against the seam only: nothing outside this file (and
 * the wiring that passes the provider in) knows it exists.
 */
export class FakePlatform {
  readonly #codes = new Map<string, { app: string; user: FakeUser }>();
  readonly #phoneCodes = new Map<string, { app: string; subject: string; phone: string }>();
  /** Exchanges the platform has answered (successful or not): a double-tapped code should cost one. */
  exchanges = 0;

  /** A code for a new user (a fresh subject) or the given one, in `app`. */
  mint(app: string, user: Partial<FakeUser> = {}): { code: string; subject: string } {
    const code = `fk-${randomBytes(12).toString('hex')}`;
    const subject = user.subject ?? `fake-${randomBytes(9).toString('base64url')}`;
    this.#codes.set(code, { app, user: { ...user, subject } });
    return { code, subject };
  }

  /** A phone button's code proving `phone` for the subject in `app`. */
  mintPhone(app: string, subject: string, phone: string): string {
    const code = `fkp-${randomBytes(12).toString('hex')}`;
    this.#phoneCodes.set(code, { app, subject, phone });
    return code;
  }

  /** Redeems a phone code once, for its own user and app only. */
  redeemPhone(app: string, subject: string, code: string): string {
    const grant = this.#phoneCodes.get(code);
    if (grant === undefined || grant.app !== app || grant.subject !== subject) {
      throw new WeappAuthError('INVALID_PHONE_CODE', 'the fake platform does not know this phone code for this user');
    }
    this.#phoneCodes.delete(code);
    return grant.phone;
  }

  /** Redeems a code once; a code of another app, used or never minted is refused. */
  async redeem(app: string, code: string): Promise<FakeUser> {
    this.exchanges += 1;
    // Like a real platform, the answer comes over the network: later, never synchronously.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const grant = this.#codes.get(code);
    if (grant === undefined || grant.app !== app) throw new WeappAuthError('INVALID_CODE', 'the fake platform does not know this code');
    this.#codes.delete(code);
    return grant.user;
  }
}

/** The fake platform as an identity provider: its own id, its own union family, its own secret context. */
export class FakeProvider implements IdentityProvider {
  constructor(
    private readonly platform: FakePlatform,
    readonly apps: readonly string[],
    readonly id = 'fakeplat',
    /** Union keys of this platform are comparable only among its own apps. */
    private readonly family = id,
  ) {}

  async exchange(app: string, credential: LoginCredential): Promise<ExternalIdentity> {
    const user = await this.platform.redeem(app, credential.code ?? '');
    return {
      provider: this.id,
      app,
      subject: user.subject,
      ...(user.unionKey === undefined ? {} : { union: { family: this.family, key: user.unionKey } }),
      ...(user.secret === undefined ? {} : { secret: user.secret }),
      ...(user.guest === true ? { guest: true } : {}),
      ...(user.supersedes === undefined ? {} : { supersedes: user.supersedes }),
    };
  }

  /** A phone button's code only, checked to be the session's user's. */
  async phoneNumber(session: SessionAccount, proof: PhoneProof): Promise<PhoneNumber> {
    if (!('code' in proof)) throw new WeappAuthError('PHONE_UNSUPPORTED', 'the fake platform proves phones with a code only');
    const phone = this.platform.redeemPhone(session.app, session.subject, proof.code);
    return { phoneNumber: phone, purePhoneNumber: phone, countryCode: '86' };
  }

  secretContext(app: string, subject: string): string {
    return `${this.id}-secret:${app}:${subject}`;
  }
}
