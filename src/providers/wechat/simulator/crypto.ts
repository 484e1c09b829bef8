/** The cryptography WeChat applies with a user's session_key. */
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { equalInConstantTime } from './apps.js';

export interface EncryptedUserData {
  encryptedData: string;
  iv: string;
}

/**
 * encryptedData as getWeRunData, getShareInfo and legacy getPhoneNumber deliver it: AES-128-CBC with PKCS#7 padding,
 * key = base64-decode(session_key), a random 16-byte IV, plaintext = the JSON text of `payload`.
 */
export function encryptUserData(sessionKey: string, payload: object): EncryptedUserData {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv);
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return { encryptedData: encrypted.toString('base64'), iv: iv.toString('base64') };
}

/** checksession's signature: hex HMAC-SHA256 of the empty string, keyed by the session_key text as given (not decoded). */
export function sessionKeySignature(sessionKey: string): string {
  return createHmac('sha256', sessionKey).update('').digest('hex');
}

export function signatureMatches(sessionKey: string, signature: string): boolean {
  return equalInConstantTime(signature, sessionKeySignature(sessionKey));
}
