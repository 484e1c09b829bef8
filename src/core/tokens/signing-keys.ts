import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import { ACCESS_TOKEN_ALGORITHM } from '../../contract/claims.js';
import type { Clock } from '../../lib/clock.js';
import type { SealedBox } from '../../lib/crypto/sealed-box.js';
import { runTransaction } from '../../store/sql/run-transaction.js';
import type { Database } from '../../store/sql/schema.js';
import {
  insertSigningKey,
  listSigningKeyStates,
  listSigningKeys,
  retireSigningKeysExcept,
  type SigningKeyRow,
  WITHDRAWN_AT,
  withdrawSigningKeysExcept,
} from '../../store/tables/signing-keys.js';

interface LoadedKey {
  kid: string;
  createdAt: number;
  publicJwk: JWK;
  publicKey: CryptoKey;
  /** node:crypto's key, for `signCompactEdDsa`. */
  privateKey: KeyObject;
  retiredAt: number | null;
}

/**
 * Before it signs, verifies or serves JWKS, the ring asks the database whether the key set changed (kids and
 * retirement times only: one small query, nothing decrypted) when its last look is this old, and re-reads the keys
 * when it did. A rotation made by the CLI or another instance thus reaches signing, JWKS and verification within
 * this bound. A token with an unknown kid (a key another instance just created) waits for the next look rather than
 * failing, and forged kids cost at most one query per interval.
 */
const KEY_CHECK_MS = 1_000;
/**
 * A scheduled rotation publishes the new key this long before it signs anything: far longer than JWKS's max-age
 * (60 s, `http/routes/jwks.ts`) plus KEY_CHECK_MS, and than the five-minute caches of verifiers that ignore max-age,
 * so every verifier knows the key before it meets a token signed with it.
 */
export const KEY_ACTIVATION_DELAY_MS = 10 * 60_000;

export type RotationMode = 'scheduled' | 'immediate';
/** `bootstrap`: the first key of a fresh database; retires nothing, so instances racing to create it all agree. */
type InsertMode = RotationMode | 'bootstrap';

/** Why a kid verifies nothing: never seen, or withdrawn by `keys rotate --now` (its holders should refresh). */
export type KeyRefusal = 'unknown' | 'withdrawn';

export interface SigningKeyRingDeps {
  db: Kysely<Database>;
  /** Seals the keys' private halves. */
  box: SealedBox;
  clock: Clock;
  /** How long the access tokens signed live: a retired key verifies that long after its retirement. */
  tokenTtlSeconds: number;
}

/**
 * The Ed25519 keys that sign access tokens, shared by every instance through the database (private halves
 * sealed with the data-encryption key). The oldest key not yet retired signs (ordered by creation time, then
 * kid, so every instance picks the same one): a rotation adds a key and sets the
 * others to retire when it activates, so for a while the new key is published but unused. Retired keys keep
 * verifying and stay in JWKS until every token they signed has expired; withdrawn keys (`keys rotate --now`)
 * verify nothing from the moment an instance sees the withdrawal.
 */
export class SigningKeyRing {
  #keys: LoadedKey[] = [];
  /** When the ring last looked at the database's key set, by the injectable clock (successful or not). */
  #checkedAt = 0;
  /** The same by monotonic time, for the unknown-kid throttle, which really waits. */
  #checkedAtMono = 0;
  #checking: Promise<void> | undefined;
  #unknownKidCheck: Promise<void> | undefined;

  readonly #tokenTtlMs: number;

  private constructor(private readonly deps: SigningKeyRingDeps) {
    this.#tokenTtlMs = deps.tokenTtlSeconds * 1000;
  }

  /** Loads the keys, creating the first one on a fresh database. */
  static async open(deps: SigningKeyRingDeps): Promise<SigningKeyRing> {
    const ring = new SigningKeyRing(deps);
    await ring.reload();
    if (ring.live().length === 0) await ring.insert('bootstrap');
    return ring;
  }

  /**
   * Adds a new signing key. `scheduled`: the current key keeps signing for KEY_ACTIVATION_DELAY_MS while the new
   * one is published, then retires. `immediate` (a leaked key): every other key that still verifies is withdrawn,
   * the new one signs at once, and every instance follows within KEY_CHECK_MS; holders of tokens signed by a
   * withdrawn key are told to refresh. Returns the kid.
   */
  async rotate(mode: RotationMode): Promise<string> {
    return this.insert(mode);
  }

  private async insert(mode: InsertMode): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { crv: 'Ed25519', extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = await exportJWK(privateKey);
    const now = this.deps.clock();
    const row: SigningKeyRow = {
      kid,
      algorithm: ACCESS_TOKEN_ALGORITHM,
      public_jwk: JSON.stringify({ ...publicJwk, kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' }),
      private_jwk_sealed: this.deps.box.seal(JSON.stringify(privateJwk), `signing-key:${kid}`),
      created_at: now,
      retired_at: null,
    };
    // One transaction: a new key whose predecessors were not retired (or, for a leaked key, not withdrawn) would be
    // published but never sign, and `keys rotate --now` would fail leaving the leaked key verifying.
    await runTransaction(this.deps.db, 'deadlock', async (tx) => {
      await insertSigningKey(tx, row);
      if (mode === 'scheduled') await retireSigningKeysExcept(tx, kid, now + KEY_ACTIVATION_DELAY_MS);
      if (mode === 'immediate') await withdrawSigningKeysExcept(tx, kid, now - this.#tokenTtlMs);
    });
    await this.reload();
    return kid;
  }

  /** The key new tokens are signed with. */
  async signer(): Promise<{ kid: string; privateKey: KeyObject }> {
    await this.current();
    const live = this.live();
    const key = live[live.length - 1] ?? this.#keys[0];
    if (key === undefined) throw new Error('no signing key loaded');
    return { kid: key.kid, privateKey: key.privateKey };
  }

  /** Keys not yet retired, newest first. */
  private live(): LoadedKey[] {
    const now = this.deps.clock();
    return this.#keys.filter((key) => key.retiredAt === null || key.retiredAt > now);
  }

  /**
   * The public key for a kid if it still verifies (the keys JWKS publishes, and no other), or why not. A key retired
   * longer ago than a token lives signed nothing still valid, so a leaked retired key forges nothing here. An unknown
   * kid waits for the next (coalesced, throttled) look at the database, and throws if the database cannot be read:
   * an outage is not a verdict on the token.
   */
  async publicKey(kid: string): Promise<CryptoKey | KeyRefusal> {
    await this.current();
    const found = this.lookUp(kid);
    if (found !== 'unknown') return found;
    this.#unknownKidCheck ??= this.checkThrottled().finally(() => {
      this.#unknownKidCheck = undefined;
    });
    await this.#unknownKidCheck;
    return this.lookUp(kid);
  }

  private lookUp(kid: string): CryptoKey | KeyRefusal {
    const found = this.verifying().find((key) => key.kid === kid);
    if (found !== undefined) return found.publicKey;
    return this.#keys.some((key) => key.kid === kid && key.retiredAt === WITHDRAWN_AT) ? 'withdrawn' : 'unknown';
  }

  private async checkThrottled(): Promise<void> {
    const wait = this.#checkedAtMono + KEY_CHECK_MS - performance.now();
    if (wait > 0) await sleep(wait);
    await this.check();
  }

  /** Public JWKS: every key that signs or will sign, and every retired key whose tokens may still be unexpired. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.current();
    return { keys: this.verifying().map((key) => key.publicJwk) };
  }

  /** Keys whose tokens may still be unexpired: unretired, or retired less than a token lifetime ago (never withdrawn ones). */
  private verifying(): LoadedKey[] {
    const cutoff = this.deps.clock() - this.#tokenTtlMs;
    return this.#keys.filter((key) => key.retiredAt === null || key.retiredAt > cutoff);
  }

  /**
   * Looks at the database's key set when the last look is KEY_CHECK_MS old. If the database cannot be read, the
   * last good keys stay in use (an outage must not stop signing or verifying) and the next look is a KEY_CHECK_MS later.
   */
  private async current(): Promise<void> {
    if (this.deps.clock() - this.#checkedAt < KEY_CHECK_MS) return;
    await this.check().catch(() => undefined);
  }

  /** One look at a time: re-reads the keys if any was added, retired or withdrawn since the last read. */
  private check(): Promise<void> {
    this.#checking ??= this.compareAndReload().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  private async compareAndReload(): Promise<void> {
    this.markChecked();
    const states = await listSigningKeyStates(this.deps.db);
    const same =
      states.length === this.#keys.length &&
      states.every((state, i) => state.kid === this.#keys[i]?.kid && nullableNumber(state.retired_at) === this.#keys[i]?.retiredAt);
    if (!same) await this.reload();
  }

  async reload(): Promise<void> {
    const rows = await listSigningKeys(this.deps.db);
    this.#keys = await Promise.all(rows.map((row) => this.load(row)));
    this.markChecked();
  }

  private markChecked(): void {
    this.#checkedAt = this.deps.clock();
    this.#checkedAtMono = performance.now();
  }

  private async load(row: SigningKeyRow): Promise<LoadedKey> {
    const publicJwk = JSON.parse(row.public_jwk) as JWK;
    const privateJwk = JSON.parse(this.deps.box.open(row.private_jwk_sealed, `signing-key:${row.kid}`)) as JWK;
    return {
      kid: row.kid,
      createdAt: Number(row.created_at),
      publicJwk,
      publicKey: (await importJWK(publicJwk, row.algorithm)) as CryptoKey,
      privateKey: createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' }),
      retiredAt: nullableNumber(row.retired_at),
    };
  }
}

/** BIGINT columns arrive as strings from some drivers. */
function nullableNumber(value: number | null): number | null {
  return value === null ? null : Number(value);
}
