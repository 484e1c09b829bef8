import { createHash, createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../../lib/crypto/random.js';
import { openEncryptedData, type SealedLayout } from '../../code2session/api/crypto.js';

export { DecryptError, type DecryptFailure } from '../../code2session/api/crypto.js';

/** WeChat's encryptedData: AES-128-CBC, key = base64-decode(session_key); the plaintext is JSON. The caller checks the watermark. */
const WECHAT_LAYOUT: SealedLayout = { keyBytes: 16, plaintext: 'json' };

export function decryptUserData(sessionKey: string, encryptedData: string, iv: string): Record<string, unknown> {
  return openEncryptedData(WECHAT_LAYOUT, sessionKey, encryptedData, iv).data;
}

/** checksession / resetusersessionkey signature: HMAC-SHA256 keyed by the session_key text itself, over "". */
export function sessionKeySignature(sessionKey: string): string {
  return createHmac('sha256', sessionKey).update('').digest('hex');
}

/** Legacy getUserInfo: signature = sha1(rawData + session_key), hex. Compared in constant time. */
export function verifyRawDataSignature(rawData: string, signature: string, sessionKey: string): boolean {
  const expected = createHash('sha1')
    .update(rawData + sessionKey)
    .digest('hex');
  return constantTimeEqual(expected, signature.toLowerCase());
}
