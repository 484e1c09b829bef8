import { importJWK, SignJWT } from 'jose';
import { withAdmin } from '../../src/admin/service.js';
import type { RotationMode } from '../../src/core/tokens/signing-keys.js';
import { SealedBox } from '../../src/lib/crypto/sealed-box.js';
import { createLogger } from '../../src/observability/logging.js';
import type { Config } from '../../src/server/config.js';
import { loadDataEncryptionKey } from '../../src/server/data-encryption-key.js';
import { openDatabase } from '../../src/store/sql/database.js';

/** The kid in a token's header. */
export function kidOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).kid;
}

/** A token's claims, as signed. */
export function claimsOf(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
}

/**
 * Signs claims with a key's real private half, opened from the database with the DEK: what a thief holding the key
 * could do, or another instance signing with a key this one has not loaded yet.
 */
export async function signWithKey(config: Config, kid: string, claims: Record<string, unknown>): Promise<string> {
  const handle = openDatabase(config.databaseUrl);
  try {
    const row = await handle.db.selectFrom('signing_keys').selectAll().where('kid', '=', kid).executeTakeFirstOrThrow();
    const jwk = JSON.parse(new SealedBox(loadDataEncryptionKey(config)).open(row.private_jwk_sealed, `signing-key:${kid}`));
    return await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' }).sign(await importJWK(jwk, 'EdDSA'));
  } finally {
    await handle.close();
  }
}

/** `weapp-auth keys rotate [--now]` as the operator runs it, on a server's configuration; returns the new kid. */
export function rotateSigningKey(config: Config, mode: RotationMode): Promise<string> {
  return withAdmin(config, createLogger('silent'), 'write', (admin) => admin.rotateSigningKey(mode));
}
