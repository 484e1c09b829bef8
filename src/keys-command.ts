import { SigningKeyRing } from './auth/signing-keys.js';
import { systemClock } from './auth/clock.js';
import type { Config } from './config.js';
import { SealedBox } from './crypto/sealed-box.js';
import { loadDataEncryptionKey } from './data-encryption-key.js';
import { openDatabase } from './store/database.js';
import { migrateToLatest } from './store/migrations.js';

/**
 * Adds a signing key and retires the current one. Running servers pick the new key up when they meet its kid
 * (verification) or restart (signing); the retired key stays in JWKS until its last token has expired.
 */
export async function rotateSigningKey(config: Config): Promise<string> {
  const database = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(database.db);
    const box = new SealedBox(loadDataEncryptionKey(config));
    const ring = await SigningKeyRing.open(database.db, box, systemClock, config.tokens.accessTtlSeconds);
    return await ring.rotate();
  } finally {
    await database.close();
  }
}
