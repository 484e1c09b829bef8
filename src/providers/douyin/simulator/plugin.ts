/**
 * The Douyin simulator as a Fastify plugin, not wrapped in fastify-plugin: its body parsing and error handlers stay
 * encapsulated, so mounting it (the server's /sim/douyin) leaves the host app untouched.
 */
import type { FastifyPluginAsync } from 'fastify';
import { acceptAnyBodyAsText } from '../../simulator-kit/body.js';
import { douyinApiRoutes } from './routes/api.js';
import { douyinControlRoutes } from './routes/control.js';
import type { DouyinSimulatorState } from './state.js';

export interface DouyinSimulatorOptions {
  /** The memory it serves: share one between a loopback listener and a mount so both answer alike. */
  state: DouyinSimulatorState;
  /** Host names, besides loopback names and IP addresses, under which the control API may be called. */
  hosts?: string[];
}

export const douyinSimulatorPlugin: FastifyPluginAsync<DouyinSimulatorOptions> = async (scope, { state, hosts = [] }) => {
  acceptAnyBodyAsText(scope);
  await scope.register(douyinApiRoutes, { state });
  await scope.register(douyinControlRoutes, { state, hosts: hosts.map((host) => host.toLowerCase()), prefix: '/control' });
};
