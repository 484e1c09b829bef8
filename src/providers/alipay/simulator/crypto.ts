/**
 * The simulator's side of Alipay's cryptography, written with node:crypto alone (never alipay-sdk): the official
 * SDK, which the provider uses, checks these in the tests, so a mistake on either side shows.
 */
import { createCipheriv, createSign, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';

export interface RsaKeyPair {
  /** PKCS#8 PEM. */
  privateKey: string;
  /** SPKI PEM, what the open platform console shows. */
  publicKey: string;
}

/** An RSA2 key pair (2048 bits), as the console's key tool makes for an app and as Alipay holds its own. */
export function generateRsaKeyPair(): RsaKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The content-encryption key the console generates: 16 random bytes, base64. */
export function generateAesKey(): string {
  return randomBytes(16).toString('base64');
}

/** RSA2: SHA256withRSA over UTF-8, base64. */
export function rsa2Sign(content: string, privateKey: string): string {
  return createSign('RSA-SHA256').update(content, 'utf8').sign(privateKey, 'base64');
}

export function rsa2Verify(content: string, signature: string, publicKey: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(content, 'utf8').verify(publicKey, signature, 'base64');
  } catch {
    return false;
  }
}

/**
 * OpenAPI 2.0 request signing content: every parameter but sign, with a non-empty value, sorted by name, as
 * name=value joined by & (values not URL-encoded).
 */
export function requestSignContent(params: ReadonlyMap<string, string>): string {
  return [...params]
    .filter(([name, value]) => name !== 'sign' && value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** AES/CBC/PKCS5Padding with a zero IV, base64: how Alipay encrypts my.getPhoneNumber's response. */
export function aesEncrypt(plaintext: string, base64Key: string): string {
  const key = Buffer.from(base64Key, 'base64');
  const cipher = createCipheriv(`aes-${key.length * 8}-cbc`, key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}
