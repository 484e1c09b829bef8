import { constants, createPrivateKey, type KeyObject, privateDecrypt } from 'node:crypto';
import { PhoneKeyMismatchError } from './errors.js';

/**
 * Opens get_phonenumber_info's `data`: base64 of RSA ciphertext made with the app public key set in Douyin's console,
 * PKCS#1 v1.5 padded, one key-sized block after another. Node 20 refuses PKCS#1 v1.5 private decryption
 * (CVE-2023-46809), so the blocks are decrypted raw and unpadded here; the input is Douyin's answer over TLS, not a
 * caller's, which is what the Marvin attack would need.
 */
export function decryptPhoneData(privateKey: KeyObject, data: string): Record<string, unknown> {
  const ciphertext = Buffer.from(data, 'base64');
  const blockSize = (privateKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  if (blockSize === 0 || ciphertext.length === 0 || ciphertext.length % blockSize !== 0) {
    throw new PhoneKeyMismatchError(`the phone ciphertext is ${ciphertext.length} bytes, not a multiple of the key's ${blockSize}`);
  }
  const parts: Buffer[] = [];
  for (let offset = 0; offset < ciphertext.length; offset += blockSize) {
    parts.push(unpadPkcs1(rawDecrypt(privateKey, ciphertext.subarray(offset, offset + blockSize))));
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(parts).toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Garbage that happened to look padded: the same remedy as a padding error.
  }
  throw new PhoneKeyMismatchError('the phone ciphertext did not decrypt to JSON with the configured private key');
}

/** One raw RSA block; a block made for a larger key than ours ("data too large for modulus") is a key mismatch too. */
function rawDecrypt(privateKey: KeyObject, block: Buffer): Buffer {
  try {
    return privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, block);
  } catch (cause) {
    throw new PhoneKeyMismatchError('the phone ciphertext did not decrypt with the configured private key', { cause });
  }
}

/** EME-PKCS1-v1_5: 0x00 0x02, at least eight non-zero padding bytes, 0x00, the message. */
function unpadPkcs1(block: Buffer): Buffer {
  const separator = block.indexOf(0, 2);
  if (block[0] !== 0 || block[1] !== 2 || separator < 10) {
    throw new PhoneKeyMismatchError('the phone ciphertext did not decrypt with the configured private key');
  }
  return block.subarray(separator + 1);
}

/** Reads a PEM private key (PKCS#8 or PKCS#1) of RSA; throws with a message naming what is wrong. */
export function readPhonePrivateKey(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`expected an RSA private key, got ${key.asymmetricKeyType ?? 'another kind'}`);
  return key;
}
