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
}

export const simulatorPlugin: FastifyPluginAsync<SimulatorOptions> = async (scope, options) => {
  const state = createState(new AppRegistry(options.apps ?? []));
  acceptAnyBodyAsText(scope);
  await scope.register(wechatRoutes, { state });
  await scope.register(controlRoutes, { state, prefix: '/control' });
};
