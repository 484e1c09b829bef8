import { createHash, createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../../lib/crypto/random.js';

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
