/** The Douyin simulator on its own HTTP server: for tests and the server's simulator mode (port 0 = a free port). */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { douyinSimulatorPlugin } from './plugin.js';
import { type DouyinSimulatorApp, DouyinSimulatorState } from './state.js';

export interface RunningDouyinSimulator {
  /** Base URL serving every Douyin API path (DOUYIN_API_BASE), e.g. http://127.0.0.1:4100. */
  url: string;
  state: DouyinSimulatorState;
  close(): Promise<void>;
}

export async function startDouyinSimulator(
  options: { host?: string; port?: number } & ({ apps: DouyinSimulatorApp[] } | { state: DouyinSimulatorState }),
): Promise<RunningDouyinSimulator> {
  // No logger: bodies carry secrets and codes. Connections are cut on close so a delayed answer cannot stall shutdown.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const host = options.host ?? '127.0.0.1';
  const state = 'state' in options ? options.state : new DouyinSimulatorState(options.apps);
  await app.register(douyinSimulatorPlugin, { state, hosts: [host] });
  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, state, close: () => app.close() };
}
