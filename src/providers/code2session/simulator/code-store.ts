/**
 * Simulated users and their login codes, for any code→session platform. Minting a code is what the platform's
 * login call does on the phone: the user gets a fresh session_key at once, so data sealed with the previous key no
 * longer opens with the new one. A code lives a platform-given time and works once.
 */
import { randomBytes, randomInt } from 'node:crypto';

export interface SimUser {
  appid: string;
  subject: string;
  unionid?: string;
  sessionKey: string;
}

export interface MintRequest {
  subject?: string;
  unionid?: string;
  sessionKey?: string;
}

/** Why a code was refused: never issued for this app or expired, or already exchanged. */
export type CodeRefusal = 'invalid' | 'used';

interface LoginCode {
  appid: string;
  subject: string;
  /** The key this login produced; exchanging an older code still returns its own, by then stale, key. */
  sessionKey: string;
  expiresAtMs: number;
  used: boolean;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random text from the CSPRNG in the platform's alphabet. */
export function randomText(length: number, alphabet = ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export interface CodeStoreOptions {
  codeLifetimeMs: number;
  /** 16 (AES-128) or 24 (AES-192) random bytes, base64. */
  sessionKeyBytes: number;
  newSubject(): string;
  newCode(): string;
}

export class CodeStore {
  readonly #users = new Map<string, SimUser>();
  readonly #codes = new Map<string, LoginCode>();

  constructor(private readonly options: CodeStoreOptions) {}

  user(appid: string, subject: string): SimUser | undefined {
    return this.#users.get(`${appid}/${subject}`);
  }

  newSessionKey(): string {
    return randomBytes(this.options.sessionKeyBytes).toString('base64');
  }

  /** Creates the user when the subject is new (or absent: a random user), rotates its session_key, returns a code. */
  mint(appid: string, request: MintRequest, nowMs: number): { code: string; user: SimUser } {
    const subject = request.subject ?? this.options.newSubject();
    const sessionKey = request.sessionKey ?? this.newSessionKey();
    const user = this.user(appid, subject) ?? { appid, subject, sessionKey };
    user.sessionKey = sessionKey;
    if (request.unionid !== undefined) user.unionid = request.unionid;
    this.#users.set(`${appid}/${subject}`, user);
    const code = this.options.newCode();
    this.#codes.set(code, { appid, subject, sessionKey, expiresAtMs: nowMs + this.options.codeLifetimeMs, used: false });
    return { code, user };
  }

  /** The user and session_key a code logs in, or why it is refused; a successful exchange spends the code. */
  exchange(appid: string, code: string, nowMs: number): { user: SimUser; sessionKey: string } | CodeRefusal {
    const entry = this.#codes.get(code);
    if (!entry || entry.appid !== appid || entry.expiresAtMs <= nowMs) return 'invalid';
    if (entry.used) return 'used';
    entry.used = true;
    return { user: this.user(appid, entry.subject) as SimUser, sessionKey: entry.sessionKey };
  }
}
