/** Everything one Douyin simulator remembers, in memory: apps, people, devices, codes, tokens, faults and the clock. */
import { constants, createPublicKey, type KeyObject, publicEncrypt, randomBytes, randomInt } from 'node:crypto';
import { SimClock } from '../../simulator-kit/clock.js';
import { FaultQueue } from '../../simulator-kit/faults.js';
import { equalInConstantTime } from '../../simulator-kit/secrets.js';
import { CallStats } from '../../simulator-kit/stats.js';
import { type Code2SessionData, DOUYIN_APIS, type DouyinApiName, ERR_NO, type PhonePlaintext } from '../api/wire.js';

/** A Douyin app: appid 'tt' + 16 hex digits, its AppSecret, and the app public key set in the console (PEM). */
export interface DouyinSimulatorApp {
  appid: string;
  secret: string;
  /** Encrypts get_phonenumber_info's answers; without one the app cannot answer phone codes (28001007). */
  publicKey?: string;
}

/** Thrown by handlers; the route answers it as Douyin's error body. */
export class DouyinError extends Error {
  constructor(
    readonly errNo: number,
    tips?: string,
  ) {
    super(tips ?? ERR_TIPS[errNo] ?? 'simulated error');
  }
}

const ERR_TIPS: Readonly<Record<number, string>> = {
  [ERR_NO.SYSTEM_BUSY]: 'system error',
  [ERR_NO.BAD_PARAMS]: 'bad params',
  [ERR_NO.BAD_APPID]: 'bad appid',
  [ERR_NO.BAD_SECRET]: 'bad secret',
  [ERR_NO.BAD_CODE]: 'bad code',
  [ERR_NO.BAD_ANONYMOUS_CODE]: 'bad anonymous_code',
  [ERR_NO.BAD_GRANT_TYPE]: 'grant_type is not client_credential',
  [ERR_NO.ACCESS_TOKEN_INVALID]: 'access_token无效',
  [ERR_NO.PLATFORM_BAD_PARAMS]: '参数不合法',
  [ERR_NO.PHONE_CODE_EXPIRED]: 'code 已过期',
};

/** Codes (login, anonymous, phone) live 5 minutes and work once; access tokens 2 hours, a replaced one 5 minutes more. */
export const CODE_LIFETIME_MS = 5 * 60_000;
const TOKEN_LIFETIME_S = 7200;
const REPLACED_TOKEN_GRACE_MS = 5 * 60_000;
const APPID = /^tt[0-9a-f]{16}$/;

interface OneTimeCode<T> {
  value: T;
  appid: string;
  expiresAtMs: number;
  used: boolean;
}

class OneTimeCodes<T> {
  readonly #codes = new Map<string, OneTimeCode<T>>();

  mint(appid: string, value: T, nowMs: number): string {
    const code = randomBytes(24).toString('base64url');
    this.#codes.set(code, { value, appid, expiresAtMs: nowMs + CODE_LIFETIME_MS, used: false });
    return code;
  }

  /** The code's value, once; unknown, foreign, expired and used codes alike throw `errNo`. */
  redeem(appid: string, code: string, nowMs: number, errNo: number): T {
    const entry = this.#codes.get(code);
    if (!entry || entry.appid !== appid || entry.used || entry.expiresAtMs <= nowMs) throw new DouyinError(errNo);
    entry.used = true;
    return entry.value;
  }
}

export interface SimPerson {
  openid: string;
  unionid: string | undefined;
  sessionKey: string;
}

export type DouyinFault = { errNo?: number; delayMs?: number };

export class DouyinSimulatorState {
  readonly apps: ReadonlyMap<string, { secret: string; publicKey: KeyObject | undefined }>;
  readonly defaultAppid: string;
  clock = new SimClock();
  faults = new FaultQueue<DouyinApiName, DouyinFault>();
  stats = new CallStats<DouyinApiName>(DOUYIN_APIS);
  readonly #people = new Map<string, SimPerson>();
  readonly #devices = new Map<string, string>();
  readonly #logins = new OneTimeCodes<{ openid: string; sessionKey: string }>();
  readonly #anonymous = new OneTimeCodes<string>();
  readonly #phones = new OneTimeCodes<PhonePlaintext & { openid: string }>();
  readonly #tokens = new Map<string, { appid: string; expiresAtMs: number }>();
  readonly #latestToken = new Map<string, string>();

  /** Throws on a malformed or duplicate app: configuration errors stop startup. */
  constructor(apps: readonly DouyinSimulatorApp[]) {
    if (apps.length === 0) throw new Error('the Douyin simulator needs at least one app');
    const known = new Map<string, { secret: string; publicKey: KeyObject | undefined }>();
    for (const app of apps) {
      if (!APPID.test(app.appid)) throw new Error(`invalid Douyin appid "${app.appid}": expected tt followed by 16 hex digits`);
      if (known.has(app.appid)) throw new Error(`app ${app.appid} is configured twice`);
      known.set(app.appid, { secret: app.secret, publicKey: app.publicKey === undefined ? undefined : createPublicKey(app.publicKey) });
    }
    this.apps = known;
    this.defaultAppid = apps[0]?.appid ?? '';
  }

  /** Douyin's order of checks: appid (40015), then secret (40017). */
  authenticate(appid: unknown, secret: unknown): string {
    const app = typeof appid === 'string' ? this.apps.get(appid) : undefined;
    if (app === undefined) throw new DouyinError(ERR_NO.BAD_APPID);
    if (typeof secret !== 'string' || !equalInConstantTime(secret, app.secret)) throw new DouyinError(ERR_NO.BAD_SECRET);
    return appid as string;
  }

  person(appid: string, openid: string): SimPerson | undefined {
    return this.#people.get(`${appid}/${openid}`);
  }

  /** What tt.login does: a fresh session_key for the person (new when `openid` is absent) and a code for it. */
  mintLogin(appid: string, request: { openid?: string; unionid?: string; sessionKey?: string }): { code: string; person: SimPerson } {
    const openid = request.openid ?? `_000${randomBytes(20).toString('base64url')}`;
    const person = this.person(appid, openid) ?? { openid, unionid: undefined, sessionKey: '' };
    person.sessionKey = request.sessionKey ?? randomBytes(16).toString('base64');
    if (request.unionid !== undefined) person.unionid = request.unionid;
    this.#people.set(`${appid}/${openid}`, person);
    return { code: this.#logins.mint(appid, { openid, sessionKey: person.sessionKey }, this.clock.nowMs()), person };
  }

  /** tt.login's anonymousCode: the device's anonymous_openid is stable per (app, device). */
  mintAnonymous(appid: string, device: string | undefined): { anonymousCode: string; anonymousOpenid: string } {
    const key = `${appid}/${device ?? randomBytes(8).toString('hex')}`;
    const anonymousOpenid = this.#devices.get(key) ?? `anon${randomBytes(18).toString('base64url')}`;
    this.#devices.set(key, anonymousOpenid);
    return { anonymousCode: this.#anonymous.mint(appid, anonymousOpenid, this.clock.nowMs()), anonymousOpenid };
  }

  /** jscode2session: code and/or anonymous_code, at least one (40014); each judged on its own (40018, 40019). */
  exchange(appid: string, code: string, anonymousCode: string): Code2SessionData {
    if (code === '' && anonymousCode === '') throw new DouyinError(ERR_NO.BAD_PARAMS);
    const now = this.clock.nowMs();
    const login = code === '' ? undefined : this.#logins.redeem(appid, code, now, ERR_NO.BAD_CODE);
    const anonymousOpenid = anonymousCode === '' ? '' : this.#anonymous.redeem(appid, anonymousCode, now, ERR_NO.BAD_ANONYMOUS_CODE);
    const unionid = login === undefined ? '' : (this.person(appid, login.openid)?.unionid ?? '');
    return { session_key: login?.sessionKey ?? '', openid: login?.openid ?? '', anonymous_openid: anonymousOpenid, unionid };
  }

  /** /api/apps/v2/token: a new token each call; the one it replaces keeps working 5 more minutes. */
  issueToken(appid: string): { access_token: string; expires_in: number } {
    const now = this.clock.nowMs();
    const previous = this.#latestToken.get(appid);
    const old = previous === undefined ? undefined : this.#tokens.get(previous);
    if (old !== undefined) old.expiresAtMs = Math.min(old.expiresAtMs, now + REPLACED_TOKEN_GRACE_MS);
    const token = `0801121${randomBytes(32).toString('hex')}`;
    this.#tokens.set(token, { appid, expiresAtMs: now + TOKEN_LIFETIME_S * 1000 });
    this.#latestToken.set(appid, token);
    return { access_token: token, expires_in: TOKEN_LIFETIME_S };
  }

  mintPhone(appid: string, phone: { openid: string; purePhoneNumber: string; countryCode: string }): string {
    return this.#phones.mint(appid, this.#plaintext(appid, phone), this.clock.nowMs());
  }

  /** The plaintext Douyin encrypts: phoneNumber carries the prefix for foreign numbers only, as WeChat's does. */
  #plaintext(appid: string, phone: { openid: string; purePhoneNumber: string; countryCode: string }): PhonePlaintext & { openid: string } {
    const { purePhoneNumber, countryCode, openid } = phone;
    const phoneNumber = countryCode === '86' ? purePhoneNumber : `+${countryCode}${purePhoneNumber}`;
    return { openid, phoneNumber, purePhoneNumber, countryCode, watermark: { appid, timestamp: this.clock.nowSeconds() } };
  }

  /** get_phonenumber_info: the token names the app; the code's phone comes back RSA-encrypted with its public key. */
  redeemPhone(token: string | undefined, code: unknown): string {
    const now = this.clock.nowMs();
    const issued = token === undefined ? undefined : this.#tokens.get(token);
    if (issued === undefined || issued.expiresAtMs <= now) throw new DouyinError(ERR_NO.ACCESS_TOKEN_INVALID);
    if (typeof code !== 'string' || code === '') throw new DouyinError(ERR_NO.PLATFORM_BAD_PARAMS);
    const key = this.apps.get(issued.appid)?.publicKey;
    if (key === undefined) throw new DouyinError(ERR_NO.PLATFORM_BAD_PARAMS, 'no app public key is configured');
    const { openid: _owner, ...plaintext } = this.#phones.redeem(issued.appid, code, now, ERR_NO.PHONE_CODE_EXPIRED);
    const message = Buffer.from(JSON.stringify(plaintext));
    const chunk = (key.asymmetricKeyDetails?.modulusLength ?? 2048) / 8 - 11;
    const blocks: Buffer[] = [];
    for (let offset = 0; offset < message.length; offset += chunk) {
      blocks.push(publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, message.subarray(offset, offset + chunk)));
    }
    return Buffer.concat(blocks).toString('base64');
  }

  /** The legacy button's payload for a person: their phone as encryptedData under their current session_key. */
  legacyPhone(appid: string, person: SimPerson, phone: { purePhoneNumber: string; countryCode: string }): PhonePlaintext {
    const { openid: _openid, ...plaintext } = this.#plaintext(appid, { ...phone, openid: person.openid });
    return plaintext;
  }
}

/** Douyin's log_id: time, then random hex (e.g. 2024102117013250E8ABC6F2D070B...). */
export function newLogId(nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/\D/g, '').slice(0, 14);
  return `${stamp}${randomBytes(8).toString('hex').toUpperCase()}${randomInt(10)}`;
}
