import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PhoneKeyMismatchError } from '../../src/providers/douyin/api/errors.js';
import { decryptPhoneData } from '../../src/providers/douyin/api/phone-cipher.js';

describe('Douyin phone ciphertext', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  // Made with another key pair, a block may be a larger number than our modulus: RSA refuses it outright.
  it('calls a block larger than the key’s modulus a key mismatch, not a crash', () => {
    const tooLarge = Buffer.alloc(256, 0xff).toString('base64');
    expect(() => decryptPhoneData(privateKey, tooLarge)).toThrow(PhoneKeyMismatchError);
  });

  it('calls a ciphertext of another key’s size a key mismatch', () => {
    expect(() => decryptPhoneData(privateKey, Buffer.alloc(128, 1).toString('base64'))).toThrow(PhoneKeyMismatchError);
  });
});
