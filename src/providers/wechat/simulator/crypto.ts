/** The cryptography WeChat applies with a user's session_key. */
import { createHmac } from 'node:crypto';
import { equalInConstantTime } from '../../simulator-kit/secrets.js';

/** checksession's signature: hex HMAC-SHA256 of the empty string, keyed by the session_key text as given (not decoded). */
export function sessionKeySignature(sessionKey: string): string {
  return createHmac('sha256', sessionKey).update('').digest('hex');
}

export function signatureMatches(sessionKey: string, signature: string): boolean {
  return equalInConstantTime(signature, sessionKeySignature(sessionKey));
}
