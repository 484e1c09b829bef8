/**
 * The simulator as a Fastify plugin. Deliberately not wrapped in fastify-plugin: its body parsing and error
 * handlers stay encapsulated, so mounting it (e.g. under /sim) leaves the host app's behaviour untouched.
 */
import type { FastifyPluginAsync } from 'fastify';
import { acceptAnyBodyAsText } from '../../simulator-kit/body.js';
import type { SimulatorApp } from './apps.js';
import { controlRoutes } from './routes/control.js';
import { wechatApiRoutes } from './routes/wechat-api.js';
import { createSimulatorState, type SimulatorState } from './state.js';

export type SimulatorOptions = {
  /**
   * Host names, besides loopback names and IP addresses, under which the control API may be called (its defence
   * against DNS rebinding): the name the server is bound to, if it is one.
   */
  hosts?: string[];
} & (
  | {
      /** Apps the simulator knows; none (or empty) → DEFAULT_SIMULATOR_APP. */
      apps?: SimulatorApp[];
    }
  | {
      /**
       * The memory of a simulator serving elsewhere too (its apps, users, codes, tokens, faults and clock): both
       * places then answer alike, as the server's /sim does for the listener its WeChat calls go to.
       */
      state: SimulatorState;
    }
);

export const simulatorPlugin: FastifyPluginAsync<SimulatorOptions> = async (scope, options) => {
  const state = 'state' in options ? options.state : createSimulatorState(options.apps ?? []);
  acceptAnyBodyAsText(scope);
  await scope.register(wechatApiRoutes, { state });
  const hosts = (options.hosts ?? []).map((host) => host.toLowerCase());
  await scope.register(controlRoutes, { state, hosts, prefix: '/control' });
};
