/** The Alipay simulator as a Fastify plugin (mounted by the server under /sim/alipay); encapsulated like WeChat's. */
import type { FastifyPluginAsync } from 'fastify';
import { acceptAnyBodyAsText } from '../../simulator-kit/body.js';
import { controlRoutes } from './control.js';
import { gatewayRoutes } from './gateway.js';
import type { AlipaySimulatorState } from './state.js';

export interface AlipaySimulatorOptions {
  state: AlipaySimulatorState;
  /** Host names, besides loopback names and IP addresses, under which the control API may be called. */
  hosts?: string[];
}

export const alipaySimulatorPlugin: FastifyPluginAsync<AlipaySimulatorOptions> = async (scope, options) => {
  acceptAnyBodyAsText(scope);
  await scope.register(gatewayRoutes, { state: options.state });
  const hosts = (options.hosts ?? []).map((host) => host.toLowerCase());
  await scope.register(controlRoutes, { state: options.state, hosts, prefix: '/control' });
};
