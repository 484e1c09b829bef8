/** The Alipay simulator on its own HTTP server (port 0 = a random free port). */
import Fastify from 'fastify';
import { listenSimulator } from '../../simulator-kit/listen.js';
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
  return { ...(await listenSimulator(app, host, options.port)), state };
}
