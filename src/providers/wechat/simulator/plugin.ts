/**
 * The simulator as a Fastify plugin. Deliberately not wrapped in fastify-plugin: its body parsing and error
 * handlers stay encapsulated, so mounting it (e.g. under /sim) leaves the host app's behaviour untouched.
 */
import type { FastifyPluginAsync } from 'fastify';
import { AppRegistry, type SimulatorApp } from './apps.js';
import { acceptAnyBodyAsText } from './body.js';
import { controlRoutes } from './routes/control.js';
import { wechatRoutes } from './routes/wechat.js';
import { createState } from './state.js';

export interface SimulatorOptions {
  /** Apps the simulator knows; none (or empty) → DEFAULT_SIMULATOR_APP. */
  apps?: SimulatorApp[];
  /**
   * Host names, besides loopback names and IP addresses, under which the control API may be called (its defence
   * against DNS rebinding): the name the server is bound to, if it is one.
   */
  hosts?: string[];
}

export const simulatorPlugin: FastifyPluginAsync<SimulatorOptions> = async (scope, options) => {
  const state = createState(new AppRegistry(options.apps ?? []));
  acceptAnyBodyAsText(scope);
  await scope.register(wechatRoutes, { state });
  const hosts = (options.hosts ?? []).map((host) => host.toLowerCase());
  await scope.register(controlRoutes, { state, hosts, prefix: '/control' });
};
