import type { Kysely } from 'kysely';
import type { SealedBox } from '../crypto/sealed-box.js';
import { WeappAuthError } from '../errors.js';
import type { Database } from '../store/schema.js';
import type { WechatAppCredentials, WechatClient } from '../wechat/client.js';
import type { Clock } from './clock.js';
import { linkWechatAccount, type LinkedAccount } from './link-account.js';
import type { Profiles, PublicUser } from './profile.js';
import type { ClientInfo, Sessions, TokenPair } from './sessions.js';
import { wechatFailure } from './wechat-failure.js';

export interface LoginResult extends TokenPair {
  user: PublicUser;
  isNewUser: boolean;
}

interface Exchanged extends LinkedAccount {
  appid: string;
  openid: string;
}

/** The wx.login flow: code → WeChat code2Session → user → session and tokens. */
export class Login {
  /** Exchanges in flight by (appid, code): a double tap costs one WeChat call and both taps get the same user. */
  readonly #inFlight = new Map<string, Promise<Exchanged>>();
  readonly #apps: ReadonlyMap<string, WechatAppCredentials>;
  readonly #defaultAppid: string;

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      box: SealedBox;
      wechat: WechatClient;
      sessions: Sessions;
      profiles: Profiles;
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
    const app = this.#apps.get(appid);
    if (app === undefined) throw new WeappAuthError('UNKNOWN_APP', `appid ${appid} is not configured on this server`);

    const key = `${appid}\u0000${request.code}`;
    let exchange = this.#inFlight.get(key);
    if (exchange === undefined) {
      exchange = this.exchange(app, request.code).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, exchange);
    }
    const account = await exchange;
    const tokens = await this.deps.sessions.start(account, client);
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
