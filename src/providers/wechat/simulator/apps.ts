/** The mini program apps (appid + secret) a simulator instance knows, and WeChat's credential check against them. */
import { equalInConstantTime } from '../../simulator-kit/secrets.js';
import { ERRCODE } from '../api/wire.js';
import { WechatError } from './wechat-errors.js';

export interface SimulatorApp {
  appid: string;
  secret: string;
}

/** Used when no app is configured. Public and obviously fake: never a real app's credentials. */
export const DEFAULT_SIMULATOR_APP: SimulatorApp = Object.freeze({
  appid: 'wx00000000deadbeef',
  secret: 'deadbeefdeadbeefdeadbeefdeadbeef',
});

/** Real appids are 'wx' + 16 hex digits; holding configured ones to that catches typos early. */
const APPID_PATTERN = /^wx[0-9a-f]{16}$/;
const SECRET_PATTERN = /^[\x21-\x7e]{1,128}$/;

export class AppRegistry {
  readonly #secrets = new Map<string, string>();

  /** Throws on a malformed or duplicate app: configuration errors must stop startup, not surface as 40013 later. */
  constructor(apps: readonly SimulatorApp[]) {
    for (const { appid, secret } of apps.length > 0 ? apps : [DEFAULT_SIMULATOR_APP]) {
      if (!APPID_PATTERN.test(appid)) throw new Error(`invalid appid "${appid}": expected wx followed by 16 hex digits`);
      if (!SECRET_PATTERN.test(secret)) {
        throw new Error(`invalid secret for ${appid}: expected 1-128 printable characters without spaces`);
      }
      if (this.#secrets.has(appid)) throw new Error(`app ${appid} is configured twice`);
      this.#secrets.set(appid, secret);
    }
  }

  /** The first configured app: what control calls use when they name none. */
  get defaultAppid(): string {
    return this.#secrets.keys().next().value as string;
  }

  appids(): string[] {
    return [...this.#secrets.keys()];
  }

  has(appid: string): boolean {
    return this.#secrets.has(appid);
  }

  /** WeChat's order of checks for appid + secret: 41002, 40013, 41004, 40125. Returns the appid. */
  authenticate(appid: string | undefined, secret: string | undefined): string {
    if (!appid) throw new WechatError(ERRCODE.APPID_MISSING);
    const expected = this.#secrets.get(appid);
    if (expected === undefined) throw new WechatError(ERRCODE.INVALID_APPID);
    if (!secret) throw new WechatError(ERRCODE.APPSECRET_MISSING);
    if (!equalInConstantTime(secret, expected)) throw new WechatError(ERRCODE.INVALID_APPSECRET);
    return appid;
  }
}
