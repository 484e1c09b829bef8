/** The simulator on its own HTTP server: for the CLI, for tests, for the server's simulator mode (port 0 = a random free port). */
import Fastify from 'fastify';
import { listenSimulator } from '../../simulator-kit/listen.js';
import { type SimulatorOptions, simulatorPlugin } from './plugin.js';
import { createSimulatorState, type SimulatorState } from './state.js';

export interface RunningSimulator {
  /** Base URL to point a WeChat SDK at, e.g. http://127.0.0.1:4000 (no trailing slash). */
  url: string;
  /** Its memory: mount `simulatorPlugin` with it to serve the same apps, users and codes elsewhere. */
  state: SimulatorState;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions & { port?: number; host?: string } = {}): Promise<RunningSimulator> {
  // No logger: request URLs carry secret, js_code and access_token. Connections are cut on close so a
  // request held by a delay fault cannot stall shutdown.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const host = options.host ?? '127.0.0.1';
  const state = 'state' in options ? options.state : createSimulatorState(options.apps ?? []);
  await app.register(simulatorPlugin, { state, hosts: [host, ...(options.hosts ?? [])] });
  return { ...(await listenSimulator(app, host, options.port)), state };
}
