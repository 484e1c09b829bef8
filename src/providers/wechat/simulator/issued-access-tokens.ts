/**
 * The access tokens simulated WeChat issues to apps, with WeChat's two issuing disciplines:
 * - /cgi-bin/token mints on every fetch; the previous token keeps working 5 more minutes, then answers 40001.
 * - /cgi-bin/stable_token hands out the same token while it has ≥ 5 minutes left, renews it in its last 5 minutes
 *   (the old one living out its own expiry), and force_refresh kills the current one at once, at most 20 times a
 *   (Beijing) day and 30 s apart. The two families never touch each other.
 */
import { type AccessTokenResponse, ERRCODE } from '../api/wire.js';
import { newAccessToken } from './ids.js';
import { WechatError } from './wechat-errors.js';

const LIFETIME_MS = 7200 * 1000;
const OVERLAP_MS = 300 * 1000;
const FORCE_REFRESH_SPACING_MS = 30 * 1000;
const FORCE_REFRESH_PER_DAY = 20;
/** WeChat's daily quotas reset at midnight China Standard Time (UTC+8). */
const CST_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

interface TokenRecord {
  appid: string;
  expiresAtMs: number;
  /** Set when a newer token supersedes this one; from then on it answers 40001 rather than 42001. */
  revokedAtMs?: number;
}

export class IssuedAccessTokens {
  readonly #tokens = new Map<string, TokenRecord>();
  readonly #latestPlain = new Map<string, string>();
  readonly #currentStable = new Map<string, string>();
  readonly #forceRefreshesMs = new Map<string, number[]>();

  fetchPlain(appid: string, nowMs: number): AccessTokenResponse {
    this.#supersede(this.#latestPlain.get(appid), nowMs + OVERLAP_MS);
    const token = this.#mint(appid, nowMs);
    this.#latestPlain.set(appid, token);
    return { access_token: token, expires_in: LIFETIME_MS / 1000 };
  }

  fetchStable(appid: string, forceRefresh: boolean, nowMs: number): AccessTokenResponse {
    const current = this.#currentStable.get(appid);
    if (forceRefresh) {
      this.#recordForceRefresh(appid, nowMs);
      this.#supersede(current, nowMs);
    } else if (current !== undefined) {
      const remainingMs = (this.#tokens.get(current) as TokenRecord).expiresAtMs - nowMs;
      if (remainingMs >= OVERLAP_MS) return { access_token: current, expires_in: Math.floor(remainingMs / 1000) };
    }
    const token = this.#mint(appid, nowMs);
    this.#currentStable.set(appid, token);
    return { access_token: token, expires_in: LIFETIME_MS / 1000 };
  }

  /** The app a token belongs to; 41001 missing, 40001 unknown or superseded, 42001 expired. */
  verify(token: string | undefined, nowMs: number): string {
    if (!token) throw new WechatError(ERRCODE.ACCESS_TOKEN_MISSING);
    const record = this.#tokens.get(token);
    if (!record || (record.revokedAtMs !== undefined && record.revokedAtMs <= nowMs)) {
      throw new WechatError(ERRCODE.INVALID_CREDENTIAL);
    }
    if (record.expiresAtMs <= nowMs) throw new WechatError(ERRCODE.ACCESS_TOKEN_EXPIRED);
    return record.appid;
  }

  #mint(appid: string, nowMs: number): string {
    const token = newAccessToken();
    this.#tokens.set(token, { appid, expiresAtMs: nowMs + LIFETIME_MS });
    return token;
  }

  #supersede(token: string | undefined, atMs: number): void {
    const record = token === undefined ? undefined : this.#tokens.get(token);
    if (record) record.revokedAtMs = Math.min(record.revokedAtMs ?? Infinity, atMs);
  }

  /** 45009 past 20 forced refreshes in the current CST day or within 30 s of the previous one. */
  #recordForceRefresh(appid: string, nowMs: number): void {
    const history = this.#forceRefreshesMs.get(appid) ?? [];
    const last = history.at(-1);
    const today = history.filter((atMs) => cstDay(atMs) === cstDay(nowMs));
    if (today.length >= FORCE_REFRESH_PER_DAY || (last !== undefined && nowMs - last < FORCE_REFRESH_SPACING_MS)) {
      throw new WechatError(ERRCODE.DAILY_QUOTA);
    }
    this.#forceRefreshesMs.set(appid, [...today, nowMs]);
  }
}

function cstDay(ms: number): number {
  return Math.floor((ms + CST_OFFSET_MS) / DAY_MS);
}
