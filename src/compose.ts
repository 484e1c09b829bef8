import type { Logger } from 'pino';
import { AccessTokens } from './auth/access-tokens.js';
import { Accounts } from './auth/accounts.js';
import { AuditLog } from './auth/audit.js';
import type { Clock } from './auth/clock.js';
import { EncryptedData } from './auth/encrypted-data.js';
import type { IdentityProvider } from './auth/identity-provider.js';
import { Login, type Exchanged } from './auth/login.js';
import { Phones } from './auth/phone.js';
import { Profiles } from './auth/profile.js';
import { RateLimiter } from './auth/rate-limiter.js';
import { SessionKeys } from './auth/session-keys.js';
import { Sessions } from './auth/sessions.js';
import { SharedFlight } from './auth/shared-flight.js';
import { SigningKeyRing } from './auth/signing-keys.js';
import type { Config, WechatAppConfig } from './config.js';
import { SealedBox } from './crypto/sealed-box.js';
import { loadDataEncryptionKey } from './data-encryption-key.js';
import type { Services } from './http/services.js';
import { Metrics } from './metrics/metrics.js';
import { DEFAULT_SIMULATOR_APP } from './simulator/index.js';
import { openDatabase, type DatabaseHandle } from './store/database.js';
import { MemoryKv, type Kv } from './store/kv.js';
import { RedisKv } from './store/kv-redis.js';
import { migrateToLatest } from './store/migrations.js';
import { countActiveSessions } from './store/sessions.js';
import { AccessTokenManager } from './wechat/access-token-manager.js';
import { WechatClient } from './wechat/client.js';
import { WechatMiniProgramProvider } from './wechat/miniprogram-provider.js';

/** Everything the server runs on, built once; the HTTP server and the admin CLI both start from here. */
export interface Composition {
  services: Services;
  database: DatabaseHandle;
  /** The apps served, with the secrets used (in simulator mode the simulator's well-known one). */
  apps: WechatAppConfig[];
  /** In simulator mode the server learns its own address only once it listens. */
  setWechatApiBase(url: string): void;
  close(): Promise<void>;
}

/**
 * Opens the database (migrated when configured), the kv, the keys, and builds the domain services on them.
 * Nothing here listens on a port. `providers` are identity providers beside the configured ones (WeChat first).
 */
export async function compose(
  config: Config,
  clock: Clock,
  logger: Logger,
  providers: readonly IdentityProvider[] = [],
): Promise<Composition> {
  const database = openDatabase(config.databaseUrl);
  try {
    return await composeOn(database, config, clock, logger, providers);
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function composeOn(
  database: DatabaseHandle,
  config: Config,
  clock: Clock,
  logger: Logger,
  extraProviders: readonly IdentityProvider[],
): Promise<Composition> {
  const db = database.db;
  if (config.migrateOnStart) await migrateToLatest(db);
  const box = new SealedBox(loadDataEncryptionKey(config));
  const wechatConfig = config.providers.wechat;
  const apps = config.simulatorMode ? simulatedApps(wechatConfig.apps) : wechatConfig.apps;
  const appsById = new Map(apps.map((app) => [app.appid, app]));
  const kv = openKv(config, logger);
  const audit = new AuditLog(db, clock, logger);
  const limiter = new RateLimiter(kv);
  const metrics = new Metrics({
    activeSessions: () => countActiveSessions(db, clock()),
    poolStats: () => database.poolStats(),
  });

  let wechatApiBase = wechatConfig.apiBase ?? '';
  const wechat = new WechatClient({
    baseUrl: () => wechatApiBase,
    timeoutMs: wechatConfig.timeoutMs,
    retries: wechatConfig.retries,
    observe: (event) => {
      metrics.observeWechat(event);
      logger.debug({ wechat: event }, 'wechat call');
    },
  });
  const wechatTokens = new AccessTokenManager(wechat, appsById, kv, { source: wechatConfig.tokenSource, mode: wechatConfig.tokenMode }, clock);

  const providers = [new WechatMiniProgramProvider(wechat, apps), ...extraProviders];
  const accounts = new Accounts(db, box, providers, clock);

  const signingKeys = await SigningKeyRing.open(db, box, clock, config.tokens.accessTtlSeconds);
  const appsByProvider = new Map(providers.map((provider) => [provider.id, provider.apps]));
  const accessTokens = new AccessTokens(
    signingKeys,
    { issuer: config.tokens.issuer, ttlSeconds: config.tokens.accessTtlSeconds, apps: appsByProvider },
    clock,
  );
  const sessions = new Sessions(
    db,
    accessTokens,
    { kv, limiter, audit },
    { ...config.tokens, refreshesPerOpenidPerMinute: config.rateLimit.refreshPerOpenid },
    clock,
  );
  await sessions.listen();
  const profiles = new Profiles(db, clock);
  const login = new Login(
    {
      accounts,
      sessions,
      profiles,
      codeFlight: new SharedFlight<Exchanged>(kv, 'login-code'),
      limiter,
      audit,
      loginsPerOpenidPerMinute: config.rateLimit.loginPerOpenid,
    },
    providers,
  );
  const sessionKeys = new SessionKeys(accounts, wechat, wechatTokens, new SharedFlight<number>(kv, 'session-key-reset'), audit);
  const encryptedData = new EncryptedData(sessionKeys, audit);
  const phones = new Phones({ wechat, tokens: wechatTokens, sessionKeys, encryptedData, profiles, apps: appsById });

  return {
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
    database,
    apps,
    setWechatApiBase(url: string): void {
      wechatApiBase = url;
    },
    async close(): Promise<void> {
      await kv.close();
      await database.close();
    },
  };
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
