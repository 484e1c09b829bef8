import type { Kysely } from 'kysely';
import type { SealedBox } from '../crypto/sealed-box.js';
import { WeappAuthError } from '../errors.js';
import type { Database } from '../store/schema.js';
import type { WechatAppCredentials, WechatClient } from '../wechat/client.js';
import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import { ForeignFlight, type SharedFlight } from './shared-flight.js';
import { linkWechatAccount, type LinkedAccount } from './link-account.js';
import type { Profiles, PublicUser } from './profile.js';
import type { RateLimiter } from './rate-limiter.js';
import type { ClientInfo, Sessions, TokenPair } from './sessions.js';
import { wechatFailure } from './wechat-failure.js';

export interface LoginResult extends TokenPair {
  user: PublicUser;
  isNewUser: boolean;
}

export interface Exchanged extends LinkedAccount {
  appid: string;
  openid: string;
}

/** The wx.login flow: code → WeChat code2Session → user → session and tokens. */
export class Login {
  readonly #apps: ReadonlyMap<string, WechatAppCredentials>;
  readonly #defaultAppid: string;

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      box: SealedBox;
      wechat: WechatClient;
      sessions: Sessions;
      profiles: Profiles;
      /**
       * Exchanges by (appid, code), shared per client: a double tap costs one WeChat call and both taps get the same
       * user; another client holding the same code gets nothing from it.
       */
      codeFlight: SharedFlight<Exchanged>;
      limiter: RateLimiter;
      audit: AuditLog;
      /** Logins per minute per WeChat user (0 = unlimited), counted across instances. */
      loginsPerOpenidPerMinute: number;
      clock: Clock;
    },
    apps: WechatAppCredentials[],
  ) {
    const [first] = apps;
    if (first === undefined) throw new Error('at least one WeChat app must be configured');
    this.#apps = new Map(apps.map((app) => [app.appid, app]));
    this.#defaultAppid = first.appid;
  }

  async login(request: { code: string; appid?: string | undefined }, client: ClientInfo): Promise<LoginResult> {
    const appid = request.appid ?? this.#defaultAppid;
    try {
      return await this.loginTo(appid, request.code, client);
    } catch (error) {
      if (error instanceof WeappAuthError) await this.deps.audit.record('login_failed', { appid, details: { code: error.code } });
      throw error;
    }
  }

  private async loginTo(appid: string, code: string, client: ClientInfo): Promise<LoginResult> {
    const app = this.#apps.get(appid);
    if (app === undefined) throw new WeappAuthError('UNKNOWN_APP', `appid ${appid} is not configured on this server`);

    const account = await this.exchangeOnce(app, code, client);
    await this.deps.limiter.hit(`login:${appid}:${account.openid}`, this.deps.loginsPerOpenidPerMinute);
    const { sessionId, ...tokens } = await this.deps.sessions.start(account, client);
    const facts = { userId: account.userId, sessionId, appid };
    if (account.isNewUser) await this.deps.audit.record('user_created', facts);
    await this.deps.audit.record('login', { ...facts, details: { isNewUser: account.isNewUser } });
    return { ...tokens, user: await this.deps.profiles.get(account.userId), isNewUser: account.isNewUser };
  }

  /**
   * The flight's party is the client (IP and user agent): a double tap comes from one device, while a second client
   * presenting a code in flight holds an intercepted or leaked code. It gets what WeChat would say to a code already
   * presented, without a WeChat call, and never the session of the code's owner.
   */
  private async exchangeOnce(app: WechatAppCredentials, code: string, client: ClientInfo): Promise<Exchanged> {
    const party = `${client.ip ?? ''}\u0000${client.userAgent ?? ''}`;
    try {
      return await this.deps.codeFlight.run(`${app.appid}\u0000${code}`, () => this.exchange(app, code), party);
    } catch (error) {
      if (error instanceof ForeignFlight) throw new WeappAuthError('CODE_USED', 'the code has already been used; call wx.login again', { cause: error });
      throw error;
    }
  }

  private async exchange(app: WechatAppCredentials, code: string): Promise<Exchanged> {
    let identity;
    try {
      identity = await this.deps.wechat.code2Session(app, code);
    } catch (error) {
      throw wechatFailure(error);
    }
    const linked = await linkWechatAccount(this.deps.db, this.deps.box, { appid: app.appid, ...identity }, this.deps.clock());
    return { ...linked, appid: app.appid, openid: identity.openid };
  }
}
