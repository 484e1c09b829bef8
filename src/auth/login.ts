import type { Kysely } from 'kysely';
import type { SealedBox } from '../crypto/sealed-box.js';
import { WeappAuthError } from '../errors.js';
import type { Database } from '../store/schema.js';
import type { WechatAppCredentials, WechatClient } from '../wechat/client.js';
import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import type { SharedFlight } from './shared-flight.js';
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
      /** Exchanges by (appid, code): a double tap costs one WeChat call and both taps get the same user. */
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

    const account = await this.deps.codeFlight.run(`${appid}\u0000${code}`, () => this.exchange(app, code));
    await this.deps.limiter.hit(`login:${appid}:${account.openid}`, this.deps.loginsPerOpenidPerMinute);
    const { sessionId, ...tokens } = await this.deps.sessions.start(account, client);
    const facts = { userId: account.userId, sessionId, appid };
    if (account.isNewUser) await this.deps.audit.record('user_created', facts);
    await this.deps.audit.record('login', { ...facts, details: { isNewUser: account.isNewUser } });
    return { ...tokens, user: await this.deps.profiles.get(account.userId), isNewUser: account.isNewUser };
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
