/** The platforms' encryptedData, as their phone buttons and data APIs deliver it: AES-CBC, PKCS#7, a random IV. */
import { createCipheriv, randomBytes } from 'node:crypto';

export interface EncryptedUserData {
  encryptedData: string;
  iv: string;
}

/**
 * `json`: the JSON text alone (QQ, Kuaishou, like WeChat). `length-prefixed`: 16 random bytes, the JSON's length as a
 * 4-byte big-endian integer, the JSON, then the app key (Baidu). The key size follows the session_key's.
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

/** getPhoneNumber data shaped as WeChat's (QQ, Kuaishou): the country prefix appears in phoneNumber for foreign numbers only. */
export function wechatShapedPhoneData(phone: { purePhoneNumber: string; countryCode: string }): object {
  const phoneNumber = phone.countryCode === '86' ? phone.purePhoneNumber : `+${phone.countryCode}${phone.purePhoneNumber}`;
  return { phoneNumber, ...phone };
}
