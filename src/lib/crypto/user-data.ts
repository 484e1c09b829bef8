import { createDecipheriv } from 'node:crypto';
import { WeappAuthError } from '../errors.js';

/** Why encryptedData did not open; each has its own remedy, so callers must be able to tell them apart. */
export type DecryptFailure =
  | 'spaces_in_base64'
  | 'url_encoded'
  | 'not_base64'
  | 'bad_iv_length'
  | 'bad_data_length'
  | 'wrong_key_or_damaged';

export class DecryptError extends Error {
  override readonly name = 'DecryptError';
  constructor(
    readonly failure: DecryptFailure,
    message: string,
  ) {
    super(message);
  }
}

/**
 * How a platform lays out its encryptedData, all AES-CBC with PKCS#7, key = base64-decode(session_key) and
 * iv = base64-decode(iv):
 * - `json`: the plaintext is the JSON text (WeChat, QQ, Kuaishou; AES-128, 16-byte keys);
 * - `length-prefixed`: 16 random bytes, the data's length as a 4-byte big-endian integer, the JSON, then the app key
 *   it was made for (Baidu; AES-192, 24-byte keys).
 */
export interface SealedLayout {
  keyBytes: 16 | 24;
  plaintext: 'json' | 'length-prefixed';
}

export interface OpenedData {
  data: Record<string, unknown>;
  /** `length-prefixed` only: the app key after the data, which the caller compares with its own. */
  appKey?: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

const JSON_128: SealedLayout = { keyBytes: 16, plaintext: 'json' };

/**
 * A mini program's encryptedData, as WeChat defined it and Douyin, QQ and Kuaishou copied it: AES-128-CBC, PKCS#7,
 * key = base64-decode(session_key), iv = base64-decode(iv). Returns the parsed plaintext; the caller checks the watermark.
 */
export function decryptUserData(sessionKey: string, encryptedData: string, iv: string): Record<string, unknown> {
  return openEncryptedData(JSON_128, sessionKey, encryptedData, iv).data;
}

/**
 * Opens encryptedData with a session_key. Input damage is recognised before decrypting (a `+` turned into a space by
 * URL encoding is the classic), because after decrypting it looks like a wrong key.
 */
export function openEncryptedData(layout: SealedLayout, sessionKey: string, encryptedData: string, iv: string): OpenedData {
  const data = decodeBase64('encryptedData', encryptedData);
  const ivBytes = decodeBase64('iv', iv);
  if (ivBytes.length !== 16) throw new DecryptError('bad_iv_length', `iv must decode to 16 bytes, got ${ivBytes.length}`);
  if (data.length === 0 || data.length % 16 !== 0) {
    throw new DecryptError('bad_data_length', `encryptedData must decode to a non-zero multiple of 16 bytes, got ${data.length}`);
  }
  const key = Buffer.from(sessionKey, 'base64');
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, ivBytes);
    if (key.length !== layout.keyBytes) throw new Error('session_key of the wrong size');
    plaintext = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    throw new DecryptError('wrong_key_or_damaged', 'encryptedData did not decrypt with the stored session_key');
  }
  const opened = layout.plaintext === 'json' ? { json: plaintext } : splitLengthPrefixed(plaintext);
  try {
    const value: unknown = JSON.parse(opened.json.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return { data: value as Record<string, unknown>, ...(opened.appKey === undefined ? {} : { appKey: opened.appKey }) };
    }
  } catch {
    // A wrong key passes PKCS#7 unpadding about 1 time in 256 and yields garbage: same remedy as a padding error.
  }
  throw new DecryptError('wrong_key_or_damaged', 'encryptedData did not decrypt to JSON with the stored session_key');
}

const RANDOM_PREFIX_BYTES = 16;

function splitLengthPrefixed(plaintext: Buffer): { json: Buffer; appKey?: string } {
  if (plaintext.length < RANDOM_PREFIX_BYTES + 4) return { json: Buffer.alloc(0) };
  const length = plaintext.readUInt32BE(RANDOM_PREFIX_BYTES);
  const start = RANDOM_PREFIX_BYTES + 4;
  if (start + length > plaintext.length) return { json: Buffer.alloc(0) };
  return { json: plaintext.subarray(start, start + length), appKey: plaintext.subarray(start + length).toString('utf8') };
}

function decodeBase64(field: string, value: string): Buffer {
  if (value.includes(' ')) {
    throw new DecryptError(
      'spaces_in_base64',
      `${field} contains spaces: a "+" was probably turned into a space by URL encoding; send it as JSON or encode it with encodeURIComponent`,
    );
  }
  if (/%[0-9A-Fa-f]{2}/.test(value)) throw new DecryptError('url_encoded', `${field} is URL-encoded: decode it once before sending`);
  if (!BASE64.test(value) || value.length % 4 !== 0) throw new DecryptError('not_base64', `${field} is not base64`);
  return Buffer.from(value, 'base64');
}

/**
 * What encryptedData's own shape tells about a failure, before any key is in question: damage by URL encoding
 * (DECRYPT_FAILED with a hint) or input that is no encryptedData at all (VALIDATION_FAILED). Undefined when the data
 * looked right and the key did not open it: each platform knows its own next step there.
 */
export function inputDiagnosis(error: DecryptError): WeappAuthError | undefined {
  switch (error.failure) {
    case 'spaces_in_base64':
    case 'url_encoded':
      return new WeappAuthError('DECRYPT_FAILED', error.message, { details: { hint: error.failure } });
    case 'not_base64':
    case 'bad_iv_length':
    case 'bad_data_length':
      return new WeappAuthError('VALIDATION_FAILED', error.message);
    case 'wrong_key_or_damaged':
      return undefined;
  }
}
