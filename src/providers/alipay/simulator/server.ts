/** The Alipay simulator on its own HTTP server (port 0 = a random free port). */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { alipaySimulatorPlugin } from './plugin.js';
import { type AlipaySimulatorApp, AlipaySimulatorState } from './state.js';

export interface RunningAlipaySimulator {
  /** Base URL, e.g. http://127.0.0.1:4000; the gateway is `${url}/gateway.do`. */
  url: string;
  state: AlipaySimulatorState;
  close(): Promise<void>;
}

export async function startAlipaySimulator(options: {
  apps: readonly AlipaySimulatorApp[];
  host?: string;
  port?: number;
}): Promise<RunningAlipaySimulator> {
  // No logger: requests carry authCodes. Connections are cut on close so a delayed answer cannot stall shutdown.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const host = options.host ?? '127.0.0.1';
  const state = new AlipaySimulatorState(options.apps);
  await app.register(alipaySimulatorPlugin, { state, hosts: [host] });
  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    state,
    close: async () => {
      await app.close();
    },
  };
}
