import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/server/config.js';
import { type RunningServer, startServer } from '../../src/server/start.js';
import { withTemporaryDirectory } from '../support/temporary-directory.js';

/** The server as `npm start` runs it, on the SQLite file and generated key in `dataDir`. */
function startOn(dataDir: string): Promise<RunningServer> {
  return startServer(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
}

describe('files at rest', () => {
  it('creates the data directory 0700 and the SQLite file, its -wal and -shm 0600; tightens a file left 0644', () =>
    withTemporaryDirectory('files', async (parent) => {
      const dataDir = join(parent, 'data');
      const files = ['weapp-auth.db', 'weapp-auth.db-wal', 'weapp-auth.db-shm'].map((file) => join(dataDir, file));
      const first = await startOn(dataDir);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      for (const file of files) expect(statSync(file).mode & 0o777, file).toBe(0o600);
      await first.close();
      // As an older release left them (the directory is the operator's to change: it may be a shared mount).
      for (const file of files) if (existsSync(file)) chmodSync(file, 0o644);
      const again = await startOn(dataDir);
      try {
        for (const file of files) if (existsSync(file)) expect(statSync(file).mode & 0o777, file).toBe(0o600);
        expect(statSync(files[0] as string).mode & 0o777).toBe(0o600);
      } finally {
        await again.close();
      }
    }));

  it('refuses to start on a generated key other accounts can read, with the chmod that fixes it', () =>
    withTemporaryDirectory('exposed', async (exposed) => {
      const key = join(exposed, 'data-encryption.key');
      writeFileSync(key, `${randomBytes(32).toString('base64')}\n`, { mode: 0o644 });
      chmodSync(key, 0o644);
      const start = startOn(exposed);
      await expect(start).rejects.toThrow(ConfigError);
      await expect(start).rejects.toThrow(`${key} is open to other accounts on this machine (mode 0644): run chmod 600 ${key}`);
      chmodSync(key, 0o600);
      await (await startOn(exposed)).close();
    }));
});
