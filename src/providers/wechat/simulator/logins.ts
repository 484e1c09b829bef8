/**
 * Simulated users and their wx.login codes. Minting a code is what wx.login does on the phone: it gives the user a
 * fresh session_key at once, so the previous key stops passing checksession and stops decrypting.
 */
import { type Code2SessionResponse, ERRCODE } from '../api/wire.js';
import { newLoginCode, newSessionKey, newUserId } from './ids.js';
import { WechatError } from './wechat-errors.js';

/** A wx.login code lives 5 minutes. */
export const LOGIN_CODE_LIFETIME_MS = 5 * 60 * 1000;

export interface SimUser {
  appid: string;
  openid: string;
  unionid?: string;
  sessionKey: string;
}

export interface MintRequest {
  openid?: string;
  unionid?: string;
  sessionKey?: string;
}

interface LoginCode {
  appid: string;
  openid: string;
  /** The key this login produced; exchanging an older code still returns its own, by then stale, key. */
  sessionKey: string;
  expiresAtMs: number;
  used: boolean;
}

export class LoginRegistry {
  readonly #users = new Map<string, SimUser>();
  readonly #codes = new Map<string, LoginCode>();

  user(appid: string, openid: string): SimUser | undefined {
    return this.#users.get(userKey(appid, openid));
  }

  /** Creates the user when the openid is new (or absent: a random user), rotates its session_key, returns a code. */
  mint(appid: string, request: MintRequest, nowMs: number): { code: string; user: SimUser } {
    const openid = request.openid ?? newUserId();
    const sessionKey = request.sessionKey ?? newSessionKey();
    const user = this.user(appid, openid) ?? { appid, openid, sessionKey };
    user.sessionKey = sessionKey;
    if (request.unionid !== undefined) user.unionid = request.unionid;
    this.#users.set(userKey(appid, openid), user);
    const code = newLoginCode();
    this.#codes.set(code, { appid, openid, sessionKey, expiresAtMs: nowMs + LOGIN_CODE_LIFETIME_MS, used: false });
    return { code, user };
  }

  /** code2Session: unknown, foreign or expired code → 40029; second use → 40163. No errcode field on success. */
  exchange(appid: string, code: string, nowMs: number): Code2SessionResponse {
    const entry = this.#codes.get(code);
    if (!entry || entry.appid !== appid || entry.expiresAtMs <= nowMs) throw new WechatError(ERRCODE.INVALID_CODE);
    if (entry.used) throw new WechatError(ERRCODE.CODE_BEEN_USED);
    entry.used = true;
    const unionid = this.user(appid, entry.openid)?.unionid;
    return { openid: entry.openid, session_key: entry.sessionKey, ...(unionid === undefined ? {} : { unionid }) };
  }

  /** resetusersessionkey: the old key dies at once. */
  rotateSessionKey(user: SimUser): string {
    user.sessionKey = newSessionKey();
    return user.sessionKey;
  }
}

function userKey(appid: string, openid: string): string {
  return `${appid}/${openid}`;
}
