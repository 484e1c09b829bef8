import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { AccessTokens } from './auth/access-tokens.js';
import { systemClock, type Clock } from './auth/clock.js';
import { EncryptedData } from './auth/encrypted-data.js';
import { SharedFlight } from './auth/shared-flight.js';
import { Login, type Exchanged } from './auth/login.js';
import { Phones } from './auth/phone.js';
import { RateLimiter } from './auth/rate-limiter.js';
import { SessionKeys } from './auth/session-keys.js';
import { Profiles } from './auth/profile.js';
import { Sessions } from './auth/sessions.js';
import { SigningKeyRing } from './auth/signing-keys.js';
import type { Config, WechatAppConfig } from './config.js';
import { SealedBox } from './crypto/sealed-box.js';
import { loadDataEncryptionKey } from './data-encryption-key.js';
import { buildApp } from './http/app.js';
import { createLogger } from './http/logging.js';
import { openDatabase, type DatabaseHandle } from './store/database.js';
import { MemoryKv, type Kv } from './store/kv.js';
import { RedisKv } from './store/kv-redis.js';
import { migrateToLatest } from './store/migrations.js';
import { DEFAULT_SIMULATOR_APP, simulatorPlugin } from './simulator/index.js';
import { playgroundPlugin } from './playground/plugin.js';
import { AccessTokenManager } from './wechat/access-token-manager.js';
import { startMetricsServer } from './http/metrics-routes.js';
import { Metrics } from './metrics/metrics.js';
import { countActiveSessions } from './store/sessions.js';
import { VERSION } from './version.js';
import { WechatClient } from './wechat/client.js';

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
 * Builds and starts the server: database (migrated), data-encryption key, signing keys, WeChat client, domain
 * services, HTTP app; in simulator mode the WeChat simulator is mounted under /sim and WeChat calls go to it.
 */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const logger = createLogger(config.logLevel, options.logDestination);
  const database = openDatabase(config.databaseUrl);
  try {
    return await startOn(database, config, { clock, logger, routes: options.routes });
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function startOn(
  database: DatabaseHandle,
  config: Config,
  { clock, logger, routes }: { clock: Clock; logger: Logger; routes: FastifyPluginAsync | undefined },
): Promise<RunningServer> {
  if (config.migrateOnStart) await migrateToLatest(database.db);
  const box = new SealedBox(loadDataEncryptionKey(config));
  const apps = config.simulatorMode ? simulatedApps(config.apps) : config.apps;

  const metrics = new Metrics({
    activeSessions: () => countActiveSessions(database.db, clock()),
    poolStats: () => database.poolStats(),
  });
  let wechatApiBase = config.wechat.apiBase ?? '';
  const wechat = new WechatClient({
    baseUrl: () => wechatApiBase,
    timeoutMs: config.wechat.timeoutMs,
    retries: config.wechat.retries,
    observe: (event) => {
      metrics.observeWechat(event);
      logger.debug({ wechat: event }, 'wechat call');
    },
  });
  const signingKeys = await SigningKeyRing.open(database.db, box, clock, config.tokens.accessTtlSeconds);
  const accessTokens = new AccessTokens(
    signingKeys,
    { issuer: config.tokens.issuer, ttlSeconds: config.tokens.accessTtlSeconds, audiences: apps.map((app) => app.appid) },
    clock,
  );
  const kv = openKv(config, logger);
  const limiter = new RateLimiter(kv);
  const sessions = new Sessions(
    database.db,
    accessTokens,
    { kv, limiter },
    { ...config.tokens, refreshesPerOpenidPerMinute: config.rateLimit.refreshPerOpenid },
    clock,
  );
  await sessions.listen();
  const profiles = new Profiles(database.db, clock);
  const login = new Login(
    {
      db: database.db,
      box,
      wechat,
      sessions,
      profiles,
      codeFlight: new SharedFlight<Exchanged>(kv, 'login-code'),
      limiter,
      loginsPerOpenidPerMinute: config.rateLimit.loginPerOpenid,
      clock,
    },
    apps,
  );
  const appsById = new Map(apps.map((app) => [app.appid, app]));
  const wechatTokens = new AccessTokenManager(
    wechat,
    appsById,
    kv,
    { source: config.wechat.tokenSource, mode: config.wechat.tokenMode },
    clock,
  );
  const sessionKeys = new SessionKeys(database.db, box, wechat, wechatTokens, new SharedFlight<number>(kv, 'session-key-reset'), clock);
  const encryptedData = new EncryptedData(sessionKeys);
  const phones = new Phones({ db: database.db, wechat, tokens: wechatTokens, sessionKeys, encryptedData, apps: appsById, clock });

  const simulator: FastifyPluginAsync = async (instance) => {
    await instance.register(simulatorPlugin, { apps });
  };
  const app = await buildApp({
    services: {
      login,
      sessions,
      profiles,
      accessTokens,
      signingKeys,
      phones,
      encryptedData,
      sessionKeys,
      limiter,
      metrics,
      pingDatabase: () => database.ping(),
    },
    logger,
    limits: { loginPerIp: config.rateLimit.loginPerIp, refreshPerIp: config.rateLimit.refreshPerIp },
    bodyLimitBytes: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    version: VERSION,
    metrics,
    metricsToken: config.metrics.token,
    mounts: [
      // The playground page at / drives /sim/control, so it exists only where the simulator does.
      ...(config.simulatorMode ? [{ prefix: '/sim', plugin: simulator }, { prefix: '', plugin: playgroundPlugin }] : []),
      ...(routes ? [{ prefix: '', plugin: routes }] : []),
    ],
  });
  const metricsServer = config.metrics.port === undefined ? undefined : await startMetricsServer(metrics, config.metrics.host, config.metrics.port);
  app.addHook('onClose', async () => {
    await metricsServer?.close();
    await kv.close();
    await database.close();
  });

  await app.listen({ host: config.host, port: config.port });
  const url = `http://${urlHost(app.server.address() as AddressInfo)}:${(app.server.address() as AddressInfo).port}`;
  if (config.simulatorMode && wechatApiBase === '') wechatApiBase = `${url}/sim`;
  const metricsAddress = metricsServer?.server.address() as AddressInfo | undefined;
  const metricsUrl = metricsAddress === undefined ? undefined : `http://${urlHost(metricsAddress)}:${metricsAddress.port}`;
  return { app, url, wechatApiBase, apps, simulatorMode: config.simulatorMode, metricsUrl, logger, close: () => app.close() };
}

function openKv(config: Config, logger: Logger): Kv {
  if (config.redis === undefined) return new MemoryKv();
  return new RedisKv(config.redis.url, config.redis.keyPrefix, (error) => logger.warn({ err: error }, 'redis error'));
}

/** In simulator mode every app uses the simulator's well-known secret: nothing real to protect. */
function simulatedApps(apps: WechatAppConfig[]): WechatAppConfig[] {
  if (apps.length === 0) return [DEFAULT_SIMULATOR_APP];
  return apps.map((app) => ({ appid: app.appid, secret: DEFAULT_SIMULATOR_APP.secret }));
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
    ` Mint a wx.login code:  curl -s -X POST ${url}/sim/control/codes`,
    ' Set WECHAT_APPID and WECHAT_SECRET to use the real WeChat; NODE_ENV=production',
    ' refuses to start without them.',
    '==================================================================================',
  ].join('\n');
}
