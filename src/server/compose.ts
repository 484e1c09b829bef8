import type { Logger } from 'pino';
import { Accounts } from '../core/accounts.js';
import { AuditLog } from '../core/audit.js';
import { Capabilities } from '../core/capabilities.js';
import type { IdentityProvider } from '../core/identity-provider.js';
import { type Exchanged, Login } from '../core/login.js';
import { Profiles } from '../core/profile.js';
import { RateLimiter } from '../core/rate-limiter.js';
import { Sessions } from '../core/sessions.js';
import { SharedFlight } from '../core/shared-flight.js';
import { AccessTokens } from '../core/tokens/access-tokens.js';
import { SigningKeyRing } from '../core/tokens/signing-keys.js';
import type { Services } from '../http/services.js';
import type { Clock } from '../lib/clock.js';
import { SealedBox } from '../lib/crypto/sealed-box.js';
import { Metrics } from '../observability/metrics.js';
import { AccessTokenManager } from '../providers/wechat/api/access-token-manager.js';
import { WechatApi } from '../providers/wechat/api/wechat-api.js';
import { WechatMiniProgramProvider } from '../providers/wechat/miniprogram/provider.js';
import { SessionKeys } from '../providers/wechat/miniprogram/session-keys.js';
import { DEFAULT_SIMULATOR_APP } from '../providers/wechat/simulator/index.js';
import { FallbackKv } from '../store/kv/fallback.js';
import { type Kv, MemoryKv } from '../store/kv/kv.js';
import { RedisKv } from '../store/kv/redis.js';
import { connectDatabase, type DatabaseHandle } from '../store/sql/database.js';
import { migrateToLatest } from '../store/sql/migrations.js';
import { claimDatabaseMode } from '../store/tables/database-mode.js';
import { countActiveSessions } from '../store/tables/sessions.js';
import type { Config, WechatAppConfig } from './config.js';
import { loadDataEncryptionKey } from './data-encryption-key.js';
import type { ConfiguredPlatform } from './platforms/platform.js';

/** Everything the server runs on, built once; the HTTP server and the admin CLI both start from here. */
export interface Composition {
  services: Services;
  /** Every app of every provider served: a token's audience is one of them. */
  appids: string[];
  /** The providers served, the default first. */
  providers: readonly IdentityProvider[];
  database: DatabaseHandle;
  close(): Promise<void>;
}

export interface ComposeOptions {
  /**
   * Record which mode (simulator or real WeChat) the database serves, and refuse the other: for the server. The
   * operator's commands leave the database as they find it.
   */
  claimDatabaseMode?: boolean;
  /** Identity providers beside the configured ones (WeChat first). */
  providers?: readonly IdentityProvider[];
  /**
   * Where WeChat's API is and the apps' credentials for it, when not as configured: in simulator mode, the
   * simulator started before (`server/simulated-wechat.ts`). The operator's commands call no WeChat API: in
   * simulator mode they pass none, and a WeChat call would fail as unreachable.
   */
  wechat?: { apiBase: string; apps: WechatAppConfig[] };
  /** The other platforms with their settings, when not as configured: in simulator mode, pointing at their simulators. */
  platforms?: readonly ConfiguredPlatform[];
  /** The data-encryption key when the caller has already loaded it (the server, to mask it in logs): read once. */
  dataEncryptionKey?: Buffer;
}

/**
 * Opens the database (migrated when configured), the kv, the keys, and builds the domain services on them.
 * Nothing here listens on a port.
 */
export async function compose(config: Config, clock: Clock, logger: Logger, options: ComposeOptions = {}): Promise<Composition> {
  const database = await connectDatabase(config.databaseUrl);
  try {
    return await composeOn(database, config, clock, logger, options);
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
  options: ComposeOptions,
): Promise<Composition> {
  const db = database.db;
  if (config.migrateOnStart) await migrateToLatest(db);
  // Before anything reads the database's keys or users: a mode mismatch must stop the start, whatever else fails.
  if (options.claimDatabaseMode === true) {
    const claim = { mode: config.simulatorMode ? 'simulator' : 'wechat', simulatorAppid: DEFAULT_SIMULATOR_APP.appid } as const;
    await claimDatabaseMode(db, claim, config.databaseUrl, clock());
  }
  const box = new SealedBox(options.dataEncryptionKey ?? loadDataEncryptionKey(config));
  // Everything that reads or checks stored data runs before the kv opens: a start that fails here leaves no Redis
  // connection behind (nothing after the kv opens can fail but its own subscription, which never throws).
  const signingKeys = await SigningKeyRing.open({ db, box, clock, tokenTtlSeconds: config.tokens.accessTtlSeconds });
  const wechatConfig = config.providers.wechat;
  const { apiBase, apps } = options.wechat ?? { apiBase: wechatConfig.apiBase ?? '', apps: wechatConfig.apps };
  const appsById = new Map(apps.map((app) => [app.appid, app]));
  const metrics = new Metrics({
    activeSessions: () => countActiveSessions(db, clock()),
    poolStats: () => database.poolStats(),
  });
  const { kv, redis } = openKv(config, logger, metrics);
  const audit = new AuditLog({ db, clock, logger });
  const limiter = new RateLimiter({ kv });

  const wechat = new WechatApi({
    baseUrl: apiBase,
    timeoutMs: wechatConfig.timeoutMs,
    retries: wechatConfig.retries,
    observe: (event) => {
      metrics.observeWechat(event);
      logger.debug({ wechat: event }, 'wechat call');
    },
  });
  const wechatTokens = new AccessTokenManager({
    wechat,
    apps: appsById,
    // A read-only instance has nothing to fall back to: without Redis it has no tokens (503 REDIS_UNAVAILABLE).
    store: wechatConfig.tokenMode === 'read-only' ? (redis ?? kv) : kv,
    clock,
    source: wechatConfig.tokenSource,
    mode: wechatConfig.tokenMode,
  });

  const platforms = (options.platforms ?? config.platforms).map(({ wiring, settings }) =>
    wiring.provider(settings, {
      kv,
      clock,
      observe: (call) => {
        metrics.observePlatform(wiring.id, call);
        logger.debug({ provider: wiring.id, call }, 'platform call');
      },
    }),
  );
  // WeChat first when it has apps: the default for logins that name no provider, as in every earlier release.
  const providers = [
    ...(apps.length > 0 ? [new WechatMiniProgramProvider({ wechat, apps, wechatTokens })] : []),
    ...platforms,
    ...(options.providers ?? []),
  ];
  const accounts = new Accounts({ db, box, providers, clock });

  const accessTokens = new AccessTokens({
    keys: signingKeys,
    clock,
    issuer: config.tokens.issuer,
    ttlSeconds: config.tokens.accessTtlSeconds,
    apps: new Map(providers.map((provider) => [provider.id, provider.apps])),
  });
  const sessions = new Sessions({
    db,
    accessTokens,
    kv,
    limiter,
    audit,
    clock,
    refreshTtlSeconds: config.tokens.refreshTtlSeconds,
    refreshReuseGraceSeconds: config.tokens.refreshReuseGraceSeconds,
    refreshesPerOpenidPerMinute: config.rateLimit.refreshPerOpenid,
  });
  await sessions.listen();
  const profiles = new Profiles({ db, clock });
  const login = new Login({
    providers,
    accounts,
    sessions,
    profiles,
    codeFlight: new SharedFlight<Exchanged>({ kv, namespace: 'login-code' }),
    limiter,
    audit,
    loginsPerOpenidPerMinute: config.rateLimit.loginPerOpenid,
  });
  const sessionKeys = new SessionKeys({
    accounts,
    wechat,
    wechatTokens,
    resets: new SharedFlight<number>({ kv, namespace: 'session-key-reset' }),
    audit,
  });
  const capabilities = new Capabilities({ providers, accounts, profiles, audit });

  return {
    appids: [...new Set(providers.flatMap((provider) => provider.apps))],
    providers,
    services: {
      login,
      sessions,
      profiles,
      accessTokens,
      signingKeys,
      capabilities,
      sessionKeys,
      limiter,
      metrics,
      pingDatabase: () => database.ping(),
      pingRedis: redis === undefined ? undefined : () => redis.ping(),
    },
    database,
    async close(): Promise<void> {
      await kv.close();
      await database.close();
    },
  };
}

/**
 * The kv the services share: memory for one instance; with REDIS_URL, Redis with this instance's memory behind it
 * (docs/deployment.md: what each route does while Redis is down). `redis` alone is for readiness and for what has
 * nothing to fall back to.
 */
function openKv(config: Config, logger: Logger, metrics: Metrics): { kv: Kv; redis: RedisKv | undefined } {
  if (config.redis === undefined) return { kv: new MemoryKv(), redis: undefined };
  const redis = new RedisKv(config.redis.url, config.redis.keyPrefix, {
    unreachable: (reason) => logger.warn({ reason }, 'redis unreachable: shared state falls back to this instance (docs/deployment.md)'),
    reachable: () => logger.info('redis reachable again: shared state goes through it again'),
  });
  return { kv: new FallbackKv(redis, (operation) => metrics.redisFallbacks.inc({ operation })), redis };
}
