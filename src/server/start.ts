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
import { type SimulatorState, simulatorPlugin } from '../providers/wechat/simulator/index.js';
import { type Composition, compose } from './compose.js';
import { type Config, ConfigError, configSecrets, type WechatAppConfig } from './config.js';
import { loadDataEncryptionKey } from './data-encryption-key.js';
import { PLATFORMS } from './platforms/index.js';
import type { ConfiguredPlatform, SimulatedPlatform } from './platforms/platform.js';
import { type SimulatedWechat, startSimulatedWechat } from './simulated-wechat.js';

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
  /** Identity providers beside the configured ones (WeChat stays the default): a provider of your own. */
  providers?: IdentityProvider[];
}

export interface RunningServer {
  app: FastifyInstance;
  /** http://host:port the server listens on. */
  url: string;
  /** The WeChat API base the server calls: WeChat's host, or in simulator mode its simulator's loopback listener. */
  wechatApiBase: string;
  /** The WeChat apps it serves, with the secrets it uses (in simulator mode generated for this start). */
  apps: WechatAppConfig[];
  /** The other platforms it serves and their apps; in simulator mode each simulator's base URL on this server. */
  platforms: ServedPlatform[];
  simulatorMode: boolean;
  /** http://host:port of the separate /metrics listener when METRICS_PORT is set. */
  metricsUrl: string | undefined;
  logger: Logger;
  close(): Promise<void>;
}

/**
 * Builds and starts the server. In simulator mode the WeChat simulator starts first, on a loopback listener of its
 * own, so the composition (database, keys, services) is built knowing where WeChat is; the same simulator is
 * mounted under /sim for the playground and for minting codes.
 */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const simulated = config.simulatorMode ? await startSimulatedWechat(config) : undefined;
  const simulatedPlatforms: SimulatedPlatformOf[] = [];
  try {
    if (config.simulatorMode) {
      for (const wiring of PLATFORMS) {
        const configured = config.platforms.find((platform) => platform.wiring === wiring)?.settings;
        simulatedPlatforms.push({ wiring, simulated: await wiring.simulate(configured) });
      }
    }
    const platforms: ConfiguredPlatform[] = config.simulatorMode
      ? simulatedPlatforms.map(({ wiring, simulated: running }) => ({ wiring, settings: running.settings }))
      : config.platforms;
    const { apiBase, apps } = simulated ?? { apiBase: config.providers.wechat.apiBase ?? '', apps: config.providers.wechat.apps };
    // The key generated under DATA_DIR outside production is a secret too, though no setting names it; so are the
    // simulated apps' secrets.
    const dataEncryptionKey = loadDataEncryptionKey(config);
    const secrets = [
      ...configSecrets(config),
      dataEncryptionKey.toString('base64'),
      ...(simulated?.apps.map((app) => app.secret) ?? []),
      ...platforms.flatMap(({ wiring, settings }) => wiring.secrets(settings)),
    ];
    const logger = createLogger(config.logLevel, options.logDestination, config.logFormat, secrets);
    const composition = await compose(config, options.clock ?? systemClock, logger, {
      claimDatabaseMode: true,
      providers: options.providers,
      wechat: { apiBase, apps },
      platforms,
      dataEncryptionKey,
    });
    try {
      return await listen(
        composition,
        { apiBase, apps, simulator: simulated, platforms: simulatedPlatforms },
        config,
        logger,
        options.routes,
      );
    } catch (error) {
      await composition.close();
      throw error;
    }
  } catch (error) {
    await simulated?.close();
    for (const { simulated: running } of simulatedPlatforms) await running.close();
    throw error;
  }
}

/** A platform's simulator started for simulator mode, with the wiring that started it. */
interface SimulatedPlatformOf {
  wiring: ConfiguredPlatform['wiring'];
  simulated: SimulatedPlatform<unknown>;
}

/** A platform the server serves beside WeChat, as `RunningServer` and `GET /sim/platforms` tell it. */
export interface ServedPlatform {
  provider: string;
  title: string;
  apps: string[];
  /** Simulator mode: where its simulator is mounted on this server (`/sim/<id>`). */
  simulatorBase: string | undefined;
}

/** What the server's WeChat calls go to, with which apps; and in simulator mode the simulators they reach. */
interface ServedWechat {
  apiBase: string;
  apps: WechatAppConfig[];
  simulator: SimulatedWechat | undefined;
  platforms: SimulatedPlatformOf[];
}

async function listen(
  composition: Composition,
  wechat: ServedWechat,
  config: Config,
  logger: Logger,
  routes: FastifyPluginAsync | undefined,
): Promise<RunningServer> {
  const { services } = composition;
  const { simulator, apps } = wechat;
  const served = servedPlatforms(config, wechat.platforms, composition.providers);
  const app = await buildApp({
    services,
    // Every provider's apps, not only WeChat's: `app.authenticateApp` guards for any app whose tokens verify here.
    appids: composition.appids,
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
      ...(simulator === undefined
        ? []
        : [
            { prefix: '/sim', plugin: mountedSimulator(simulator.state, config.host) },
            ...wechat.platforms.map(({ wiring, simulated }) => ({ prefix: `/sim/${wiring.id}`, plugin: simulated.plugin })),
            { prefix: '/sim', plugin: platformList(served) },
            { prefix: '', plugin: playgroundPlugin },
          ]),
      ...(routes ? [{ prefix: '', plugin: routes }] : []),
    ],
  });
  const { host, port } = config.metrics;
  const metricsServer =
    port === undefined ? undefined : await explainingListenErrors(startMetricsServer(services.metrics, host, port), host, port, 'METRICS_');
  app.addHook('onClose', async () => {
    await metricsServer?.close();
    await composition.close();
    await simulator?.close();
    for (const { simulated } of wechat.platforms) await simulated.close();
  });

  try {
    await explainingListenErrors(app.listen({ host: config.host, port: config.port }), config.host, config.port, '');
  } catch (error) {
    await metricsServer?.close();
    throw error;
  }
  const url = `http://${urlHost(app.server.address() as AddressInfo)}:${(app.server.address() as AddressInfo).port}`;
  const metricsAddress = metricsServer?.server.address() as AddressInfo | undefined;
  const metricsUrl = metricsAddress === undefined ? undefined : `http://${urlHost(metricsAddress)}:${metricsAddress.port}`;
  return {
    app,
    url,
    wechatApiBase: wechat.apiBase,
    apps,
    platforms: served,
    simulatorMode: config.simulatorMode,
    metricsUrl,
    logger,
    close: () => app.close(),
  };
}

/** The platforms served beside WeChat: in simulator mode the simulated ones, else the configured ones. */
function servedPlatforms(
  config: Config,
  simulated: readonly SimulatedPlatformOf[],
  providers: readonly IdentityProvider[],
): ServedPlatform[] {
  if (config.simulatorMode) {
    return simulated.map(({ wiring, simulated: running }) => ({
      provider: wiring.id,
      title: wiring.title,
      apps: running.apps,
      simulatorBase: `/sim/${wiring.id}`,
    }));
  }
  return config.platforms.map(({ wiring }) => ({
    provider: wiring.id,
    title: wiring.title,
    apps: [...(providers.find((provider) => provider.id === wiring.id)?.apps ?? [])],
    simulatorBase: undefined,
  }));
}

/** GET /sim/platforms: which platforms are simulated here, their apps and where their simulators are (the playground reads it). */
function platformList(platforms: readonly ServedPlatform[]): FastifyPluginAsync {
  return async (instance) => {
    instance.get('/platforms', async () => ({
      platforms: platforms.map(({ provider, title, apps, simulatorBase }) => ({ provider, title, apps, base: simulatorBase })),
    }));
  };
}

/** The simulator's state under /sim; its control API also answers under the server's own HOST name. */
function mountedSimulator(state: SimulatorState, host: string): FastifyPluginAsync {
  return async (instance) => {
    await instance.register(simulatorPlugin, { state, hosts: [host] });
  };
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
  const { url, apps, platforms } = server;
  return [
    '',
    '==================================================================================',
    " SIMULATOR MODE: no platform secret configured. Every platform's calls go to a",
    ` built-in simulator (WeChat's at ${url}/sim): nothing here talks to a real platform.`,
    ` WeChat apps: ${apps.map((app) => app.appid).join(', ')}`,
    ...platforms.map((platform) => ` ${platform.title}: ${platform.apps.join(', ')} (${url}${platform.simulatorBase ?? ''})`),
    ` Playground (the whole flow in a browser): ${url}/`,
    ` API docs: ${url}/docs`,
    ` Mint a wx.login code:  curl -s -X POST ${url}/sim/control/codes`,
    " Set WECHAT_APPID and WECHAT_SECRET (or another platform's apps) to use the real",
    ' platforms, on another database: this one holds simulated users only.',
    ' NODE_ENV=production refuses simulator mode.',
    '==================================================================================',
  ].join('\n');
}
