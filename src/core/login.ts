import { WeappAuthError } from '../lib/errors.js';
import type { AccountKey, Accounts, LinkedAccount } from './accounts.js';
import type { AuditLog } from './audit.js';
import type { IdentityProvider, LoginCredential } from './identity-provider.js';
import type { Profiles, PublicUser } from './profile.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RequestOrigin } from './request-origin.js';
import type { Sessions, TokenPair } from './sessions.js';
import { ForeignFlight, type SharedFlight } from './shared-flight.js';

export interface LoginResult extends TokenPair {
  user: PublicUser;
  isNewUser: boolean;
}

export type Exchanged = LinkedAccount & AccountKey;

export interface LoginRequest extends LoginCredential {
  /** A configured provider's id; the first configured provider (WeChat) when absent. */
  provider?: string | undefined;
  /** One of the provider's apps; its first app when absent. */
  app?: string | undefined;
}

export interface LoginDeps {
  /** The providers served; the first is the default for a login that names none. */
  providers: readonly IdentityProvider[];
  accounts: Accounts;
  sessions: Sessions;
  profiles: Profiles;
  /**
   * Exchanges by (provider, app, code), shared per client: a double tap costs one provider call and both taps get
   * the same user; another client holding the same code gets nothing from it.
   */
  codeFlight: SharedFlight<Exchanged>;
  limiter: RateLimiter;
  audit: AuditLog;
  /** Logins per minute per account (0 = unlimited), counted across instances. */
  loginsPerOpenidPerMinute: number;
}

/** The login flow of every provider: one-time code → provider exchange → linked account → session and tokens. */
export class Login {
  readonly #providers: ReadonlyMap<string, IdentityProvider>;
  readonly #defaultProvider: IdentityProvider;

  constructor(private readonly deps: LoginDeps) {
    const { providers } = deps;
    const [first] = providers;
    if (first === undefined) throw new Error('at least one identity provider must be configured');
    const appless = providers.find((provider) => provider.apps.length === 0);
    if (appless !== undefined) throw new Error(`identity provider ${appless.id} has no app configured`);
    this.#providers = new Map(providers.map((provider) => [provider.id, provider]));
    if (this.#providers.size !== providers.length) throw new Error('two identity providers share an id');
    this.#defaultProvider = first;
  }

  async login(request: LoginRequest, origin: RequestOrigin): Promise<LoginResult> {
    const provider = request.provider === undefined ? this.#defaultProvider : this.#providers.get(request.provider);
    const providerId = provider?.id ?? request.provider;
    const app = request.app ?? provider?.apps[0];
    try {
      if (provider === undefined) {
        throw new WeappAuthError('UNKNOWN_PROVIDER', `provider ${providerId} is not configured on this server`);
      }
      if (app === undefined || !provider.apps.includes(app)) {
        throw new WeappAuthError('UNKNOWN_APP', `app ${app} is not configured for provider ${provider.id} on this server`);
      }
      return await this.loginTo(provider, app, credentialOf(request), origin);
    } catch (error) {
      if (error instanceof WeappAuthError) {
        await this.deps.audit.record('login_failed', { provider: providerId, app, details: { code: error.code } }, origin);
      }
      throw error;
    }
  }

  private async loginTo(provider: IdentityProvider, app: string, credential: LoginCredential, origin: RequestOrigin): Promise<LoginResult> {
    const account = await this.exchangeOnce(provider, app, credential, origin);
    await this.deps.limiter.hit(`login:${provider.id}:${app}:${account.subject}`, this.deps.loginsPerOpenidPerMinute);
    const { sessionId, ...tokens } = await this.deps.sessions.start(account, origin);
    const facts = { userId: account.userId, sessionId, provider: provider.id, app };
    if (account.isNewUser) await this.deps.audit.record('user_created', facts, origin);
    if (account.superseded !== undefined) {
      // The superseded subject's user (a guest's) may have changed: it is a guest no more.
      this.deps.profiles.forget(account.userId);
      await this.deps.audit.record('account_superseded', { ...facts, details: { superseded: account.superseded } }, origin);
    }
    await this.deps.audit.record('login', { ...facts, details: { isNewUser: account.isNewUser } }, origin);
    return { ...tokens, user: await this.deps.profiles.get(account.userId), isNewUser: account.isNewUser };
  }

  /**
   * The flight's party is the client (IP and user agent): a double tap comes from one device, while a second client
   * presenting a code in flight holds an intercepted or leaked code. It gets what the provider would say to a code
   * already presented, without a provider call, and never the session of the code's owner.
   */
  private async exchangeOnce(
    provider: IdentityProvider,
    app: string,
    credential: LoginCredential,
    origin: RequestOrigin,
  ): Promise<Exchanged> {
    const party = `${origin.ip ?? ''}\u0000${origin.userAgent ?? ''}`;
    const codes = `${credential.code ?? ''}\u0000${credential.anonymousCode ?? ''}`;
    try {
      return await this.deps.codeFlight.run(
        `${provider.id}\u0000${app}\u0000${codes}`,
        () => this.exchange(provider, app, credential),
        party,
      );
    } catch (error) {
      if (error instanceof ForeignFlight)
        throw new WeappAuthError('CODE_USED', 'the code has already been used; call wx.login again', { cause: error });
      throw error;
    }
  }

  private async exchange(provider: IdentityProvider, app: string, credential: LoginCredential): Promise<Exchanged> {
    const identity = await provider.exchange(app, credential);
    if (identity.provider !== provider.id || identity.app !== app) {
      throw new Error(`provider ${provider.id} answered for ${identity.provider}/${identity.app}, not for ${app}`);
    }
    const linked = await this.deps.accounts.link(identity);
    return { ...linked, provider: provider.id, app, subject: identity.subject };
  }
}

/** The credential alone, without the fields that choose the provider and app; at least one code is required. */
function credentialOf(request: LoginRequest): LoginCredential {
  const { code, anonymousCode } = request;
  if (code === undefined && anonymousCode === undefined) throw new WeappAuthError('VALIDATION_FAILED', 'a login needs a code');
  return { ...(code === undefined ? {} : { code }), ...(anonymousCode === undefined ? {} : { anonymousCode }) };
}
