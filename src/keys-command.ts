import { SigningKeyRing, type RotationMode } from './auth/signing-keys.js';
import { systemClock } from './auth/clock.js';
import type { Config } from './config.js';
import { SealedBox } from './crypto/sealed-box.js';
import { loadDataEncryptionKey } from './data-encryption-key.js';
import { openDatabase } from './store/database.js';
import { migrateToLatest } from './store/migrations.js';

/**
 * Adds a signing key. Running servers see it within a minute; a scheduled rotation lets JWKS publish it for
 * ten minutes before it signs, an immediate one (for a leaked key) retires the others at once. Either way a
 * retired key stays in JWKS until its last token has expired.
 */
export async function rotateSigningKey(config: Config, mode: RotationMode): Promise<string> {
  const database = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(database.db);
    const box = new SealedBox(loadDataEncryptionKey(config));
    const ring = await SigningKeyRing.open(database.db, box, systemClock, config.tokens.accessTtlSeconds);
    return await ring.rotate(mode);
  } finally {
    await database.close();
  }
}
