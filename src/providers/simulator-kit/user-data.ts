/** The cryptography a platform applies with a user's session_key to the data it hands the mini program. */
import { createCipheriv, randomBytes } from 'node:crypto';

export interface EncryptedUserData {
  encryptedData: string;
  iv: string;
}

/**
 * encryptedData as WeChat's (and Douyin's) getWeRunData, getShareInfo and legacy getPhoneNumber deliver it: AES-128-CBC with PKCS#7 padding,
 * key = base64-decode(session_key), a random 16-byte IV, plaintext = the JSON text of `payload`.
 */
export function encryptUserData(sessionKey: string, payload: object): EncryptedUserData {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv);
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return { encryptedData: encrypted.toString('base64'), iv: iv.toString('base64') };
}

/**
 * encryptedData in a platform's own layout. `json`: the JSON text alone (QQ, Kuaishou, like WeChat's above).
 * `length-prefixed`: 16 random bytes, the JSON's length as a 4-byte big-endian integer, the JSON, then the app key
 * (Baidu). The AES key size follows the session_key's (Baidu's are 24 bytes).
 */
export function sealUserData(
  plaintext: 'json' | 'length-prefixed',
  sessionKey: string,
  payload: object,
  appKey: string,
): EncryptedUserData {
  const key = Buffer.from(sessionKey, 'base64');
  const json = Buffer.from(JSON.stringify(payload), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  const clear = plaintext === 'json' ? json : Buffer.concat([randomBytes(16), length, json, Buffer.from(appKey, 'utf8')]);
  const iv = randomBytes(16);
  const cipher = createCipheriv(`aes-${key.length * 8}-cbc`, key, iv);
  return { encryptedData: Buffer.concat([cipher.update(clear), cipher.final()]).toString('base64'), iv: iv.toString('base64') };
}
