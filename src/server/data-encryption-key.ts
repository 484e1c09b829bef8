import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDataEncryptionKey } from '../lib/crypto/sealed-box.js';
import { openToOthers, privateDirectory } from '../lib/private-files.js';
import { type Config, ConfigError } from './config.js';

const KEY_FILE = 'data-encryption.key';

/**
 * The key that seals secrets at rest. Production must supply DATA_ENCRYPTION_KEY (config refuses to start
 * otherwise); development generates one once and keeps it beside the SQLite file, readable only by its owner,
 * so restarts can still open what earlier runs sealed. A key file other accounts can read is refused, not quietly
 * tightened: whoever could read it may have copied it, and the operator must know.
 */
export function loadDataEncryptionKey(config: Config): Buffer {
  if (config.dataEncryptionKey !== undefined) return Buffer.from(config.dataEncryptionKey, 'base64');
  const path = join(config.dataDir, KEY_FILE);
  if (!existsSync(path)) {
    privateDirectory(config.dataDir);
    try {
      writeFileSync(path, `${generateDataEncryptionKey().toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
    } catch (error) {
      // Another process starting at the same moment wrote it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const mode = openToOthers(path);
  if (mode !== undefined) {
    throw new ConfigError(
      `${path} is open to other accounts on this machine (mode ${mode.toString(8).padStart(4, '0')}): run chmod 600 ${path}. ` +
        'If anyone else may have read it, treat it as leaked (docs/security.md, "A signing key or the DEK leaked").',
    );
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new ConfigError(`${path} does not hold a 32-byte base64 key; delete it to generate a new one`);
  return key;
}
