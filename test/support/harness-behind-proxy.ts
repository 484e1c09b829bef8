import { type Harness, startHarness } from './harness.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import { createTestDatabase } from './test-databases.js';

const SERVER_PORTS = { postgres: 5432, mariadb: 3306 } as const;

export interface HarnessBehindProxy {
  h: Harness;
  /** Between the server and its database: cut it to take the database away, restore it to give it back. */
  proxy: TcpProxy;
  close(): Promise<void>;
}

/** A harness on a fresh database of `engine`, reached through a TCP proxy a test can cut. */
export async function startHarnessBehindProxy(engine: keyof typeof SERVER_PORTS): Promise<HarnessBehindProxy> {
  const database = await createTestDatabase(engine);
  const proxy = await startTcpProxy(SERVER_PORTS[engine]);
  const url = new URL(database.url);
  url.port = String(proxy.port);
  const h = await startHarness({ DATABASE_URL: url.toString() });
  return {
    h,
    proxy,
    async close(): Promise<void> {
      await h.close();
      await proxy.close();
      await database.drop();
    },
  };
}
