import { loadConfig } from '../../src/server/config.js';
import { type RunningServer, type ServerOptions, startServer } from '../../src/server/start.js';
import { forTheBlock } from './block-lifetime.js';
import { removeDirectory, temporaryDirectory } from './temporary-directory.js';

/**
 * A server as `npm start` runs it on a fresh checkout: one process, the SQLite file and generated keys in a
 * DATA_DIR of its own, the simulator mounted under /sim (unless `env` configures WeChat), a random port. Always on
 * SQLite, whatever engine the server suite runs on: files using it run once.
 */
export interface EmbeddedServer {
  readonly server: RunningServer;
  readonly dataDir: string;
  /** Stops the server and starts it again on the same DATA_DIR and settings, as an operator's restart does. */
  restart(): Promise<void>;
  /** Stops the server and removes its DATA_DIR. */
  close(): Promise<void>;
}

export async function startEmbeddedServer(env: Record<string, string> = {}, options: ServerOptions = {}): Promise<EmbeddedServer> {
  const dataDir = temporaryDirectory('embedded');
  const start = (): Promise<RunningServer> =>
    startServer(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env }), options);
  let server: RunningServer;
  try {
    server = await start();
  } catch (error) {
    removeDirectory(dataDir);
    throw error;
  }
  return {
    get server(): RunningServer {
      return server;
    },
    dataDir,
    async restart(): Promise<void> {
      await server.close();
      server = await start();
    },
    async close(): Promise<void> {
      await server.close();
      removeDirectory(dataDir);
    },
  };
}

/** The embedded server of the enclosing file or describe block: started before its first test, closed after its last. */
export function useEmbeddedServer(env: Record<string, string> = {}, options: ServerOptions = {}): EmbeddedServer {
  const embedded = forTheBlock('an embedded server from useEmbeddedServer', () => startEmbeddedServer(env, options));
  return {
    get server(): RunningServer {
      return embedded.current().server;
    },
    get dataDir(): string {
      return embedded.current().dataDir;
    },
    restart: () => embedded.current().restart(),
    close: embedded.close,
  };
}
