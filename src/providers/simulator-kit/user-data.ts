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
