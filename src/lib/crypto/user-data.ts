import { createDecipheriv } from 'node:crypto';

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

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * A mini program's encryptedData, as WeChat defined it and Douyin, QQ, Baidu and Kuaishou copied it: AES-128-CBC,
 * PKCS#7, key = base64-decode(session_key), iv = base64-decode(iv).
 * Returns the parsed plaintext; the caller checks the watermark. Input damage is recognised before decrypting
 * (a `+` turned into a space by URL encoding is the classic), because after decrypting it looks like a wrong key.
 */
export function decryptUserData(sessionKey: string, encryptedData: string, iv: string): Record<string, unknown> {
  const data = decodeBase64('encryptedData', encryptedData);
  const ivBytes = decodeBase64('iv', iv);
  if (ivBytes.length !== 16) throw new DecryptError('bad_iv_length', `iv must decode to 16 bytes, got ${ivBytes.length}`);
  if (data.length === 0 || data.length % 16 !== 0) {
    throw new DecryptError('bad_data_length', `encryptedData must decode to a non-zero multiple of 16 bytes, got ${data.length}`);
  }
  let plaintext: string;
  try {
    const decipher = createDecipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), ivBytes);
    plaintext = Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptError('wrong_key_or_damaged', 'encryptedData did not decrypt with the stored session_key');
  }
  try {
    const value: unknown = JSON.parse(plaintext);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // A wrong key passes PKCS#7 unpadding about 1 time in 256 and yields garbage: same remedy as a padding error.
  }
  throw new DecryptError('wrong_key_or_damaged', 'encryptedData did not decrypt to JSON with the stored session_key');
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
