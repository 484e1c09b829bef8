import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { SealedBox } from '../crypto/sealed-box.js';
import type { Database } from '../store/schema.js';
import { insertSigningKey, listSigningKeys, retireSigningKeysExcept, type SigningKeyRow } from '../store/signing-keys.js';
import type { Clock } from './clock.js';

export const SIGNING_ALGORITHM = 'EdDSA';

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  publicKey: CryptoKey;
  privateKey: CryptoKey;
  retiredAt: number | null;
}

/** How often an unknown kid may trigger a reload from the database (another instance rotated keys). */
const RELOAD_INTERVAL_MS = 5_000;

/**
 * The Ed25519 keys that sign access tokens, shared by every instance through the database (private halves
 * sealed with the data-encryption key). The newest unretired key signs; retired keys keep verifying and stay
 * in JWKS until every token they signed has expired.
 */
export class SigningKeyRing {
  #keys: LoadedKey[] = [];
  #loadedAt = 0;

  private constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SealedBox,
    private readonly clock: Clock,
    private readonly tokenTtlMs: number,
  ) {}

  /** Loads the keys, creating the first one on a fresh database. */
  static async open(db: Kysely<Database>, box: SealedBox, clock: Clock, tokenTtlSeconds: number): Promise<SigningKeyRing> {
    const ring = new SigningKeyRing(db, box, clock, tokenTtlSeconds * 1000);
    await ring.reload();
    if (ring.#keys.every((key) => key.retiredAt !== null)) await ring.rotate();
    return ring;
  }

  /** Adds a new signing key and retires the others. Returns the new kid. */
  async rotate(): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: 'Ed25519', extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = await exportJWK(privateKey);
    const now = this.clock();
    await insertSigningKey(this.db, {
      kid,
      algorithm: SIGNING_ALGORITHM,
      public_jwk: JSON.stringify({ ...publicJwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' }),
      private_jwk_sealed: this.box.seal(JSON.stringify(privateJwk), `signing-key:${kid}`),
      created_at: now,
      retired_at: null,
    });
    await retireSigningKeysExcept(this.db, kid, now);
    await this.reload();
    return kid;
  }

  /** The key new tokens are signed with. */
  current(): { kid: string; privateKey: CryptoKey } {
    const key = this.#keys.find((candidate) => candidate.retiredAt === null) ?? this.#keys[0];
    if (key === undefined) throw new Error('no signing key loaded');
    return { kid: key.kid, privateKey: key.privateKey };
  }

  /** The public key for a kid; an unknown kid reloads from the database at most every few seconds. */
  async publicKey(kid: string): Promise<CryptoKey | undefined> {
    const found = this.#keys.find((key) => key.kid === kid);
    if (found !== undefined || this.clock() - this.#loadedAt < RELOAD_INTERVAL_MS) return found?.publicKey;
    await this.reload();
    return this.#keys.find((key) => key.kid === kid)?.publicKey;
  }

  /** Public JWKS: the signing key and every retired key whose tokens may still be unexpired. */
  jwks(): { keys: JWK[] } {
    const cutoff = this.clock() - this.tokenTtlMs;
    return {
      keys: this.#keys.filter((key) => key.retiredAt === null || key.retiredAt > cutoff).map((key) => key.publicJwk),
    };
  }

  async reload(): Promise<void> {
    const rows = await listSigningKeys(this.db);
    this.#keys = await Promise.all(rows.map((row) => this.load(row)));
    this.#loadedAt = this.clock();
  }

  private async load(row: SigningKeyRow): Promise<LoadedKey> {
    const publicJwk = JSON.parse(row.public_jwk) as JWK;
    const privateJwk = JSON.parse(this.box.open(row.private_jwk_sealed, `signing-key:${row.kid}`)) as JWK;
    return {
      kid: row.kid,
      publicJwk,
      publicKey: (await importJWK(publicJwk, row.algorithm)) as CryptoKey,
      privateKey: (await importJWK(privateJwk, row.algorithm)) as CryptoKey,
      retiredAt: row.retired_at === null ? null : Number(row.retired_at),
    };
  }
}
