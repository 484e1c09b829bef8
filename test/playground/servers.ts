/** Servers for the playground tests: one in simulator mode, as `npm start` runs it, on a random port. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/server/config.js';
import { type RunningServer, startServer } from '../../src/server/start.js';

export interface TempServer {
  server: RunningServer;
  close(): Promise<void>;
}

/** A server on its own temporary DATA_DIR with `env` added; closing it removes the directory. */
export async function startTempServer(env: Record<string, string> = {}): Promise<TempServer> {
  const dir = mkdtempSync(join(tmpdir(), 'weapp-auth-playground-'));
  try {
    const server = await startServer(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent', ...env }));
    return {
      server,
      close: async () => {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
