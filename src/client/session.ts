import type { LoginRequest, RefreshRequest } from '../contract/api.js';
import type { ErrorCode } from '../contract/errors/index.js';
import { AuthClientError } from './errors.js';
import type { LoginCredential, LoginOptions, Platform } from './platform.js';
import type { StoredTokens, TokenStore } from './token-store.js';
import type { Transport } from './transport.js';
import type { LoginResult, TokenResponse } from './types.js';

/** Server codes after which only a new wx.login helps: the session or the refresh token is gone. */
export const RELOGIN_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'TOKEN_MISSING',
  'TOKEN_INVALID',
  'SESSION_REVOKED',
  'SESSION_EXPIRED',
  'REFRESH_TOKEN_INVALID',
  'REFRESH_TOKEN_EXPIRED',
  'REFRESH_TOKEN_REUSED',
]);

interface Renewal extends LoginResult {
  tokens: StoredTokens;
}

export interface SessionOptions {
  /** The server's provider id sent with each login; absent: the server's default (WeChat). */
  provider: string | undefined;
  appid: string | undefined;
  /** Refresh at most this long before expiry; for short-lived tokens, a quarter of their lifetime (REFRESH_SHARE). */
  refreshLeewayMs: number;
  now: () => number;
}

/**
 * The share of a token's lifetime left when it is refreshed early, if less than the leeway: a server with
 * ACCESS_TOKEN_TTL=30 would otherwise see every request preceded by a refresh under the default 60 s.
 */
const REFRESH_SHARE = 0.25;

/**
 * Owns the tokens. One login or refresh runs at a time however many requests need it; everyone who needs it waits
 * for that one and shares its result, or its error.
 */
export class Session {
  private pending: Promise<Renewal> | null = null;
  /** Completed logins; a request compares it to know whether a login happened since it took its token. */
  logins = 0;

  constructor(
    private readonly transport: Transport,
    private readonly platform: Platform,
    private readonly store: TokenStore,
    private readonly options: SessionOptions,
  ) {}

  hasTokens(): boolean {
    return this.store.get() !== null;
  }

  /** A usable access token: waits for a renewal in progress, refreshes one about to expire, logs in without one. */
  async token(): Promise<string> {
    if (this.pending !== null) return (await this.pending).tokens.accessToken;
    const tokens = this.store.get();
    if (tokens === null) return (await this.start('login')).tokens.accessToken;
    if (this.dueForRefresh(tokens)) return (await this.start('refresh')).tokens.accessToken;
    return tokens.accessToken;
  }

  /**
   * The server refused `failed`: renew once for all who hold it. A refresh is done when the token is still the
   * current one; a login when none completed since `loginsBefore`. Otherwise someone else already renewed.
   */
  async renew(failed: string, how: 'refresh' | 'login', loginsBefore: number): Promise<string> {
    const done = (): boolean => (how === 'login' ? this.logins > loginsBefore : this.store.get()?.accessToken !== failed);
    while (this.pending !== null) {
      const renewal = await this.pending;
      if (done()) return renewal.tokens.accessToken;
    }
    const current = this.store.get();
    if (current !== null && done()) return current.accessToken;
    return (await this.start(current === null ? 'login' : how)).tokens.accessToken;
  }

  /** A login now, or the one already running; with `force` (Douyin: ask the host to log in) always a new one. */
  async login(options: LoginOptions = {}): Promise<LoginResult> {
    if (options.force === true) await this.settle();
    const { user, isNewUser, isGuest } = await (options.force === true
      ? this.start('login', true, options)
      : (this.pending ?? this.start('login')));
    return { user, isNewUser, isGuest };
  }

  /** Waits out a renewal in progress (whatever its outcome), so nothing stores tokens after this returns. */
  async settle(): Promise<void> {
    while (this.pending !== null) await this.pending.catch(() => undefined);
  }

  /** A token that is valid now if the session can be kept without a new wx.login; null when it cannot. */
  async tokenWithoutLogin(): Promise<string | null> {
    await this.settle();
    const tokens = this.store.get();
    if (tokens === null) return null;
    if (!this.dueForRefresh(tokens)) return tokens.accessToken;
    try {
      return (await this.start('refresh', false)).tokens.accessToken;
    } catch {
      return null;
    }
  }

  clear(): void {
    this.store.clear();
  }

  /** Within the leeway of its expiry, or of the last REFRESH_SHARE of its lifetime if that is shorter. */
  private dueForRefresh(tokens: StoredTokens): boolean {
    const lifetime = typeof tokens.receivedAt === 'number' ? tokens.expiresAt - tokens.receivedAt : Infinity;
    return tokens.expiresAt - this.options.now() <= Math.min(this.options.refreshLeewayMs, lifetime * REFRESH_SHARE);
  }

  private start(how: 'login' | 'refresh', loginOnFailure = true, loginOptions: LoginOptions = {}): Promise<Renewal> {
    // No Promise#finally: it is ES2018, and the SDK targets ES2017 runtimes.
    const release = (): void => {
      if (this.pending === renewal) this.pending = null;
    };
    const renewal = (how === 'login' ? this.doLogin(loginOptions) : this.doRefresh(loginOnFailure)).then(
      (value) => {
        release();
        return value;
      },
      (error: unknown) => {
        release();
        throw error;
      },
    );
    this.pending = renewal;
    return renewal;
  }

  private async doRefresh(loginOnFailure: boolean): Promise<Renewal> {
    const tokens = this.store.get();
    if (tokens === null) return this.doLogin();
    try {
      const response = await this.transport.send({
        url: '/api/auth/refresh',
        method: 'POST',
        data: { refreshToken: tokens.refreshToken } satisfies RefreshRequest,
        urgent: true,
      });
      return this.save(response);
    } catch (error) {
      // A network failure is not a dead session: logging in again would fail the same way, and burn a code.
      if (!(error instanceof AuthClientError && RELOGIN_CODES.has(error.code))) throw error;
      this.store.clear();
      if (!loginOnFailure) throw error;
      return this.doLogin();
    }
  }

  private async doLogin(options: LoginOptions = {}): Promise<Renewal> {
    let credential: LoginCredential;
    const provider = this.options.provider;
    try {
      const answer = await this.platform.login(options);
      credential = typeof answer === 'string' ? { code: answer } : answer;
    } catch (error) {
      throw new AuthClientError(
        'LOGIN_FAILED',
        `the ${provider ?? 'platform'} login failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (!credential.code && !credential.anonymousCode) {
      throw new AuthClientError('LOGIN_FAILED', `the ${provider ?? 'platform'} login gave no code`);
    }
    const { appid } = this.options;
    const body: LoginRequest = {
      ...(provider === undefined ? {} : { provider }),
      ...(appid === undefined ? {} : { appid }),
      ...(credential.code ? { code: credential.code } : {}),
      ...(credential.anonymousCode ? { anonymousCode: credential.anonymousCode } : {}),
    };
    const response = await this.transport.send({ url: '/api/auth/login', method: 'POST', data: { ...body }, urgent: true });
    const renewal = this.save(response);
    this.logins += 1;
    return renewal;
  }

  private save(response: unknown): Renewal {
    const r = response as Partial<TokenResponse> | null;
    if (
      typeof r?.accessToken !== 'string' ||
      typeof r.refreshToken !== 'string' ||
      typeof r.expiresIn !== 'number' ||
      r.user === undefined
    ) {
      throw new AuthClientError('BAD_RESPONSE', 'the server answered the login or refresh without tokens');
    }
    const now = this.options.now();
    const tokens = { accessToken: r.accessToken, refreshToken: r.refreshToken, expiresAt: now + r.expiresIn * 1000, receivedAt: now };
    this.store.set(tokens);
    // `user.guest`: a Douyin guest, known by the device only (servers before guests leave it out).
    return { tokens, user: r.user, isNewUser: r.isNewUser === true, isGuest: (r.user as { guest?: unknown }).guest === true };
  }
}
