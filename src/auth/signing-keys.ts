import { setTimeout as sleep } from 'node:timers/promises';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { SealedBox } from '../crypto/sealed-box.js';
import type { Database } from '../store/schema.js';
import { insertSigningKey, listSigningKeys, retireSigningKeysExcept, type SigningKeyRow } from '../store/signing-keys.js';
import type { Clock } from './clock.js';

export const SIGNING_ALGORITHM = 'EdDSA';

interface LoadedKey {
  kid: string;
  createdAt: number;
  publicJwk: JWK;
  publicKey: CryptoKey;
  privateKey: CryptoKey;
  retiredAt: number | null;
}

/**
 * An unknown kid (a key another instance just created) makes the ring re-read the database, at most this often:
 * a request meeting a new key waits for the next reload instead of failing, and forged kids cost at most one
 * query per interval.
 */
const UNKNOWN_KID_RELOAD_MS = 1_000;
/** How often an instance re-reads the keys, so a rotation made elsewhere reaches its signing and its JWKS. */
const SIGNER_REFRESH_MS = 60_000;
/**
 * A scheduled rotation publishes the new key this long before it signs anything: longer than JWKS's max-age
 * (300 s) plus SIGNER_REFRESH_MS, so every verifier caching JWKS knows the key before it meets a token.
 */
export const KEY_ACTIVATION_DELAY_MS = 10 * 60_000;

export type RotationMode = 'scheduled' | 'immediate';
/** `bootstrap`: the first key of a fresh database; retires nothing, so instances racing to create it all agree. */
type InsertMode = RotationMode | 'bootstrap';

/**
 * The Ed25519 keys that sign access tokens, shared by every instance through the database (private halves
 * sealed with the data-encryption key). The oldest key not yet retired signs (ordered by creation time, then
 * kid, so every instance picks the same one): a rotation adds a key and sets the
 * others to retire when it activates, so for a while the new key is published but unused. Retired keys keep
 * verifying and stay in JWKS until every token they signed has expired.
 */
export class SigningKeyRing {
  #keys: LoadedKey[] = [];
  #loadedAt = 0;
  /** Monotonic time of the last reload, for throttling; #loadedAt follows the injectable clock. */
  #reloadedAtMono = 0;
  #unknownKidReload: Promise<void> | undefined;

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
    if (ring.live().length === 0) await ring.insert('bootstrap');
    return ring;
  }

  /**
   * Adds a new signing key. `scheduled`: the current key keeps signing for KEY_ACTIVATION_DELAY_MS while the new
   * one is published, then retires. `immediate` (a leaked key): the others retire now; verifiers that cache
   * JWKS without refetching on an unknown kid may refuse new tokens until their cache expires. Returns the kid.
   */
  async rotate(mode: RotationMode): Promise<string> {
    return this.insert(mode);
  }

  private async insert(mode: InsertMode): Promise<string> {
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
    if (mode !== 'bootstrap') {
      await retireSigningKeysExcept(this.db, kid, mode === 'immediate' ? now : now + KEY_ACTIVATION_DELAY_MS);
    }
    await this.reload();
    return kid;
  }

  /** The key new tokens are signed with. */
  async signer(): Promise<{ kid: string; privateKey: CryptoKey }> {
    await this.refreshIfStale();
    const live = this.live();
    const key = live[live.length - 1] ?? this.#keys[0];
    if (key === undefined) throw new Error('no signing key loaded');
    return { kid: key.kid, privateKey: key.privateKey };
  }

  /** Keys not yet retired, newest first. */
  private live(): LoadedKey[] {
    const now = this.clock();
    return this.#keys.filter((key) => key.retiredAt === null || key.retiredAt > now);
  }

  /**
   * The public key for a kid, if it still verifies: the keys JWKS publishes, and no other. A key retired longer
   * ago than a token lives signed nothing still valid, so a leaked retired key forges nothing here. An unknown kid
   * waits for the next (coalesced, throttled) reload.
   */
  async publicKey(kid: string): Promise<CryptoKey | undefined> {
    await this.refreshIfStale();
    const found = this.verifying().find((key) => key.kid === kid);
    if (found !== undefined) return found.publicKey;
    this.#unknownKidReload ??= this.reloadThrottled().finally(() => {
      this.#unknownKidReload = undefined;
    });
    await this.#unknownKidReload;
    return this.verifying().find((key) => key.kid === kid)?.publicKey;
  }

  private async reloadThrottled(): Promise<void> {
    const wait = this.#reloadedAtMono + UNKNOWN_KID_RELOAD_MS - performance.now();
    if (wait > 0) await sleep(wait);
    await this.reload();
  }

  /** Public JWKS: every key that signs or will sign, and every retired key whose tokens may still be unexpired. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.refreshIfStale();
    return { keys: this.verifying().map((key) => key.publicJwk) };
  }

  /** Keys whose tokens may still be unexpired: unretired, or retired less than a token lifetime ago. */
  private verifying(): LoadedKey[] {
    const cutoff = this.clock() - this.tokenTtlMs;
    return this.#keys.filter((key) => key.retiredAt === null || key.retiredAt > cutoff);
  }

  /** Keys are re-read when a minute old, so a rotation or retirement made elsewhere reaches signing, JWKS and verification. */
  private async refreshIfStale(): Promise<void> {
    if (this.clock() - this.#loadedAt > SIGNER_REFRESH_MS) await this.reload();
  }

  async reload(): Promise<void> {
    const rows = await listSigningKeys(this.db);
    this.#keys = await Promise.all(rows.map((row) => this.load(row)));
    this.#loadedAt = this.clock();
    this.#reloadedAtMono = performance.now();
  }

  private async load(row: SigningKeyRow): Promise<LoadedKey> {
    const publicJwk = JSON.parse(row.public_jwk) as JWK;
    const privateJwk = JSON.parse(this.box.open(row.private_jwk_sealed, `signing-key:${row.kid}`)) as JWK;
    return {
      kid: row.kid,
      createdAt: Number(row.created_at),
      publicJwk,
      publicKey: (await importJWK(publicJwk, row.algorithm)) as CryptoKey,
      privateKey: (await importJWK(privateJwk, row.algorithm)) as CryptoKey,
      retiredAt: row.retired_at === null ? null : Number(row.retired_at),
    };
  }
}
