/** The simulator's memory: its apps and their keys, users, outstanding authCodes, faults and clock. */
import { randomBytes, randomInt } from 'node:crypto';
import { SimClock } from '../../simulator-kit/clock.js';
import { FaultQueue } from '../../simulator-kit/faults.js';
import type { AlipayApiName } from '../api/wire.js';
import { generateAesKey, generateRsaKeyPair, type RsaKeyPair } from './crypto.js';

/**
 * Which ids alipay.system.oauth.token answers for an app: `user_id` (the old standard), `open_id` (new apps, and
 * apps moved in the console), or `both` (an app in the move's whitelist and grey-release stage).
 */
export type SimIdMode = 'user_id' | 'open_id' | 'both';

/** An app as the simulator is told of it: its id, the public key the developer uploaded, its id standard. */
export interface AlipaySimulatorApp {
  appid: string;
  /** The app's RSA2 public key (PEM): requests signed with anything else are refused. */
  appPublicKey: string;
  idMode?: SimIdMode;
}

export interface SimApp {
  appid: string;
  appPublicKey: string;
  idMode: SimIdMode;
  /** Alipay's key pair for this app: answers are signed with it; the app is configured with its public half. */
  alipayKeys: RsaKeyPair;
  /** The app's content-encryption key (AES, base64), as the console shows it. */
  encryptKey: string;
}

export interface AlipayFault {
  /** Answer this sub_code's error_response (its code and msg from Alipay's table) instead of the normal answer. */
  error?: string;
  delayMs?: number;
  /** Answer this raw text instead (an HTML error page, broken JSON). */
  body?: string;
  /** Answer normally under a signature that does not verify: what an answer altered on the way looks like. */
  badSignature?: boolean;
}

interface IssuedCode {
  appid: string;
  userId: string;
  expiresAtMs: number;
}

/** authCode lifetime: Alipay documents "3 minutes to 24 hours"; the shortest, so a client fast enough here is fast enough there. */
export const AUTH_CODE_LIFETIME_MS = 3 * 60_000;

export class AlipaySimulatorState {
  readonly apps = new Map<string, SimApp>();
  readonly clock = new SimClock();
  faults = new FaultQueue<AlipayApiName, AlipayFault>();
  readonly #codes = new Map<string, IssuedCode>();
  /** open_id by app and user_id: one person has one open_id per app. */
  readonly #openIds = new Map<string, string>();
  readonly #userIdsByOpenId = new Map<string, string>();

  constructor(apps: readonly AlipaySimulatorApp[]) {
    for (const app of apps) {
      this.apps.set(app.appid, {
        appid: app.appid,
        appPublicKey: app.appPublicKey,
        idMode: app.idMode ?? 'open_id',
        alipayKeys: generateRsaKeyPair(),
        encryptKey: generateAesKey(),
      });
    }
  }

  get defaultAppid(): string {
    const [first] = this.apps.keys();
    if (first === undefined) throw new Error('the Alipay simulator has no app');
    return first;
  }

  /** The user a control request names: by user_id, by the app's subject (open_id or user_id), or a new one. */
  userFor(appid: string, named: { userId?: string; subject?: string }): string {
    if (named.userId !== undefined) return named.userId;
    if (named.subject === undefined) return newUserId();
    if (/^2088\d{12}$/.test(named.subject)) return named.subject;
    const known = this.#userIdsByOpenId.get(`${appid}:${named.subject}`);
    if (known !== undefined) return known;
    const userId = newUserId();
    this.#link(appid, userId, named.subject);
    return userId;
  }

  openIdOf(appid: string, userId: string): string {
    const known = this.#openIds.get(`${appid}:${userId}`);
    if (known !== undefined) return known;
    const openId = newOpenId();
    this.#link(appid, userId, openId);
    return openId;
  }

  /** The ids the gateway answers for this user in the app's current mode. */
  idsOf(app: SimApp, userId: string): { user_id?: string; open_id?: string } {
    return {
      ...(app.idMode === 'open_id' ? {} : { user_id: userId }),
      ...(app.idMode === 'user_id' ? {} : { open_id: this.openIdOf(app.appid, userId) }),
    };
  }

  mintCode(appid: string, userId: string): string {
    const code = randomBytes(16).toString('hex');
    this.#codes.set(code, { appid, userId, expiresAtMs: this.clock.nowMs() + AUTH_CODE_LIFETIME_MS });
    return code;
  }

  /** The user an authCode logs in, once: undefined when unknown, spent, expired or another app's. */
  redeem(appid: string, code: string): string | undefined {
    const issued = this.#codes.get(code);
    if (issued === undefined || issued.appid !== appid) return undefined;
    this.#codes.delete(code);
    return issued.expiresAtMs > this.clock.nowMs() ? issued.userId : undefined;
  }

  #link(appid: string, userId: string, openId: string): void {
    this.#openIds.set(`${appid}:${userId}`, openId);
    this.#userIdsByOpenId.set(`${appid}:${openId}`, userId);
  }
}

/** user_id: 2088 and 12 digits. */
function newUserId(): string {
  let digits = '';
  for (let i = 0; i < 12; i++) digits += String(randomInt(10));
  return `2088${digits}`;
}

/** open_id: opaque; real ones run to some 40-odd characters of letters and digits. */
function newOpenId(): string {
  return `0${randomBytes(30).toString('base64url').replace(/[-_]/g, 'A')}`;
}
