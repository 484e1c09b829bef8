import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import type { IdentityProvider } from '../core/identity-provider.js';
import { buildApp } from '../http/app.js';
import { startMetricsServer } from '../http/metrics-routes.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { VERSION } from '../lib/version.js';
import { createLogger } from '../observability/logging.js';
import { playgroundPlugin } from '../playground/plugin.js';
import { simulatorPlugin } from '../providers/wechat/simulator/index.js';
import { type Composition, compose } from './compose.js';
import { type Config, ConfigError, configSecrets, type WechatAppConfig } from './config.js';
import { loadDataEncryptionKey } from './data-encryption-key.js';

export interface ServerOptions {
  /** Time source for tokens and sessions; tests move it instead of waiting. */
  clock?: Clock;
  /** Where logs go (stdout when absent); tests capture them to prove no secret is ever written. */
  logDestination?: DestinationStream;
  /**
   * The operator's own routes, registered before the server listens. `app.authenticate` is the auth guard:
   * `app.get('/api/orders', { preHandler: app.authenticate }, (request) => request.auth.userId)`.
   */
  routes?: FastifyPluginAsync;
  /** Identity providers beside the configured ones (WeChat stays the default): a platform of your own. */
  providers?: IdentityProvider[];
}

export interface RunningServer {
  app: FastifyInstance;
  /** http://host:port the server listens on. */
  url: string;
  /** The WeChat API base the server calls: WeChat's host, or its own /sim in simulator mode. */
  wechatApiBase: string;
  /** The apps it serves, with the secrets it uses (in simulator mode the simulator's). */
  apps: WechatAppConfig[];
  simulatorMode: boolean;
  /** http://host:port of the separate /metrics listener when METRICS_PORT is set. */
  metricsUrl: string | undefined;
  logger: Logger;
  close(): Promise<void>;
}

/**
 * Builds and starts the server: the composition (database, keys, services), the HTTP app; in simulator mode the
 * WeChat simulator is mounted under /sim and WeChat calls go to it.
 */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  // The key generated under DATA_DIR outside production is a secret too, though no setting names it.
  const secrets = [...configSecrets(config), loadDataEncryptionKey(config).toString('base64')];
  const logger = createLogger(config.logLevel, options.logDestination, config.logFormat, secrets);
  const composition = await compose(config, options.clock ?? systemClock, logger, {
    claimDatabaseMode: true,
    providers: options.providers,
  });
  try {
    return await listen(composition, config, logger, options.routes);
  } catch (error) {
    await composition.close();
    throw error;
  }
}

async function listen(
  composition: Composition,
  config: Config,
  logger: Logger,
  routes: FastifyPluginAsync | undefined,
): Promise<RunningServer> {
  const { services, apps } = composition;
  const simulator: FastifyPluginAsync = async (instance) => {
    await instance.register(simulatorPlugin, { apps, hosts: [config.host] });
  };
  const app = await buildApp({
    services,
    appids: apps.map((served) => served.appid),
    logger,
    limits: config.rateLimit,
    introspection: config.introspection,
    bodyLimitBytes: config.bodyLimitBytes,
    httpTimeouts: config.httpTimeouts,
    trustProxy: config.trustProxy,
    version: VERSION,
    metricsToken: config.metrics.token,
    mounts: [
      // The playground page at / drives /sim/control, so it exists only where the simulator does.
      ...(config.simulatorMode
        ? [
            { prefix: '/sim', plugin: simulator },
            { prefix: '', plugin: playgroundPlugin },
          ]
        : []),
      ...(routes ? [{ prefix: '', plugin: routes }] : []),
    ],
  });
  const { host, port } = config.metrics;
  const metricsServer =
    port === undefined ? undefined : await explainingListenErrors(startMetricsServer(services.metrics, host, port), host, port, 'METRICS_');
  app.addHook('onClose', async () => {
    await metricsServer?.close();
    await composition.close();
  });

  try {
    await explainingListenErrors(app.listen({ host: config.host, port: config.port }), config.host, config.port, '');
  } catch (error) {
    await metricsServer?.close();
    throw error;
  }
  const url = `http://${urlHost(app.server.address() as AddressInfo)}:${(app.server.address() as AddressInfo).port}`;
  const wechatApiBase = config.providers.wechat.apiBase ?? (config.simulatorMode ? `${url}/sim` : '');
  composition.setWechatApiBase(wechatApiBase);
  const metricsAddress = metricsServer?.server.address() as AddressInfo | undefined;
  const metricsUrl = metricsAddress === undefined ? undefined : `http://${urlHost(metricsAddress)}:${metricsAddress.port}`;
  return { app, url, wechatApiBase, apps, simulatorMode: config.simulatorMode, metricsUrl, logger, close: () => app.close() };
}

/**
 * Waits for a listen; the failures an operator causes and can fix (a taken port, a privileged one, an address that
 * is not this machine's) become a ConfigError naming the variables to change, instead of a stack trace.
 */
async function explainingListenErrors<T>(listening: Promise<T>, host: string, port: number, prefix: '' | 'METRICS_'): Promise<T> {
  try {
    return await listening;
  } catch (error) {
    const where = `cannot listen on ${host}:${port} (${prefix}HOST=${host}, ${prefix}PORT=${port})`;
    const problem = {
      EADDRINUSE: `the port is already in use, perhaps by another weapp-auth: stop that process, or set ${prefix}PORT to a free port`,
      EACCES: `permission denied: ports below 1024 need privileges, set ${prefix}PORT to 1024 or above`,
      EADDRNOTAVAIL: `${host} is not an address of this machine: set ${prefix}HOST to one of its addresses, 127.0.0.1 or 0.0.0.0`,
      ENOTFOUND: `${host} does not resolve: set ${prefix}HOST to one of this machine's addresses, 127.0.0.1 or 0.0.0.0`,
    }[(error as NodeJS.ErrnoException).code ?? ''];
    throw problem === undefined ? error : new ConfigError(`${where}: ${problem}`, { cause: error });
  }
}

/** An address the server can call itself on: a wildcard bind is reached through loopback. */
function urlHost(address: AddressInfo): string {
  if (address.address === '0.0.0.0' || address.address === '::') return '127.0.0.1';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

/** What a person starting the server in simulator mode must not miss; printed as text, not as a log line. */
export function simulatorBanner(server: RunningServer): string {
  const { url, apps } = server;
  return [
    '',
    '==================================================================================',
    ' SIMULATOR MODE: no WeChat secret configured. WeChat calls go to the built-in',
    ` simulator at ${url}/sim — nothing here talks to the real WeChat.`,
    ` Apps: ${apps.map((app) => app.appid).join(', ')}`,
    ` Playground (the whole flow in a browser): ${url}/`,
    ` API docs: ${url}/docs`,
    ` Mint a wx.login code:  curl -s -X POST ${url}/sim/control/codes`,
    ' Set WECHAT_APPID and WECHAT_SECRET to use the real WeChat, on another database:',
    ' this one holds simulated users only. NODE_ENV=production refuses simulator mode.',
    '==================================================================================',
  ].join('\n');
}
