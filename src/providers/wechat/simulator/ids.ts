/**
 * Random identifiers shaped like WeChat's own, so code that checks lengths or alphabets behaves as in production.
 * All randomness comes from the CSPRNG.
 */
import { randomBytes, randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const URL_SAFE = `${ALNUM}-_`;

function randomChars(length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** openid and unionid: 28 characters, 'o' then base64url-like text (e.g. oGZUI0egBJY1zhBYw2KhdUfwVJJE). */
export function newUserId(): string {
  return `o${randomChars(27, URL_SAFE)}`;
}

/** session_key: base64 of 16 random bytes (24 characters), the AES-128 key of encryptedData. */
export function newSessionKey(): string {
  return randomBytes(16).toString('base64');
}

/** wx.login code: 32 alphanumerics (e.g. 0716AVll20uHk94SLDml27etM946AVlq). */
export function newLoginCode(): string {
  return randomChars(32, ALNUM);
}

/** getPhoneNumber button code: 64 hex digits, like the official example. */
export function newPhoneCode(): string {
  return randomBytes(32).toString('hex');
}

/** access_token: a long opaque string; WeChat asks for 512 characters of storage, real ones run ~150. */
export function newAccessToken(): string {
  return randomChars(150, URL_SAFE);
}

/** Request id: unix time in hex, then two random 32-bit hex groups, like real ones (66739825-3646610c-1b890536). */
export function newRid(nowSeconds: number): string {
  return `${nowSeconds.toString(16).padStart(8, '0')}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
}
