import type { RotationMode } from '../core/tokens/signing-keys.js';
import { systemClock } from '../lib/clock.js';
import { createLogger } from '../observability/logging.js';
import { compose } from '../server/compose.js';
import { type Config, configSecrets } from '../server/config.js';

/**
 * Adds a signing key. Running servers see it within a second (of their next request); a scheduled rotation lets JWKS
 * publish it for ten minutes before it signs, and the retired key stays in JWKS until its last token has expired.
 * An immediate one (for a leaked key) signs at once and withdraws the others: they leave JWKS and stop verifying.
 */
export async function rotateSigningKey(config: Config, mode: RotationMode): Promise<string> {
  const composition = await compose(config, systemClock, createLogger('warn', undefined, 'json', configSecrets(config)));
  try {
    return await composition.services.signingKeys.rotate(mode);
  } finally {
    await composition.close();
  }
}
