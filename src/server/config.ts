/**
 * Environment → typed configuration. Everything is validated at start; a bad or missing variable stops the
 * process with a message that names it, instead of failing on the first request.
 */

import type { HttpTimeouts } from '../http/app.js';
import type { IntrospectionClient, IntrospectionSettings } from '../http/introspection-callers.js';
import { ConfigError } from '../lib/config-error.js';
import { sha256Hex } from '../lib/crypto/random.js';
import { engineOf, unsupportedDatabaseUrl } from '../store/sql/database-url.js';
import { type Env, EnvReader, isHttpUrl, isLoopback, isSafeApiBase } from './env-reader.js';
import { PLATFORMS } from './platforms/index.js';
import type { ConfiguredPlatform } from './platforms/platform.js';

// Where loadConfig's callers look for the error it throws.
export { ConfigError } from '../lib/config-error.js';

export interface WechatAppConfig {
  appid: string;
  secret: string;
}

/** WeChat mini programs (the WECHAT_* variables): the apps served and how WeChat's API is called. */
export interface WechatConfig {
  /** The first app is the default for logins that name no appid. */
  apps: WechatAppConfig[];
  /** Base URL of WeChat's API; in simulator mode undefined unless WECHAT_API_BASE is given: the server's own simulator. */
  apiBase: string | undefined;
  timeoutMs: number;
  /** Extra attempts after a `-1` (system busy) answer. */
  retries: number;
  /** stable_token (default: never knocks out other holders) or the classic /cgi-bin/token. */
  tokenSource: 'stable' | 'plain';
  /** read-only: never fetch access tokens, use those another instance stored in Redis. */
  tokenMode: 'fetch' | 'read-only';
}

export interface Config {
  env: 'production' | 'development' | 'test';
  host: string;
  port: number;
  /** `sqlite:PATH`, `postgres://…` (or `postgresql://…`), `mysql://…` (or `mariadb://…`). */
  databaseUrl: string;
  /** Where simulator mode keeps its generated data-encryption key and the default SQLite file. */
  dataDir: string;
  migrateOnStart: boolean;
  /** WeChat mini programs, the default provider for logins that name none when it has apps. */
  providers: { wechat: WechatConfig };
  /** The other mini program platforms whose variables are set (src/server/platforms/), in PLATFORMS' order. */
  platforms: ConfiguredPlatform[];
  /**
   * True when no platform's secret is configured outside production, on a bare local start or with
   * WECHAT_SIMULATOR=true: every platform's simulator serves, mounted under /sim (WeChat) and /sim/<id>.
   */
  simulatorMode: boolean;
  /** Shared state for several instances (access-token cache and lock); memory when absent. */
  redis: { url: string; keyPrefix: string } | undefined;
  tokens: {
    issuer: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    /** A rotated refresh token used again within this window is a client's concurrent retry, not theft. */
    refreshReuseGraceSeconds: number;
  };
  /** Base64 of 32 bytes; undefined in simulator mode until generated under dataDir. */
  dataEncryptionKey: string | undefined;
  /** Requests per minute; 0 turns a limit off. Counted across instances when Redis is configured. */
  rateLimit: {
    loginPerIp: number;
    refreshPerIp: number;
    loginPerOpenid: number;
    refreshPerOpenid: number;
    wechatPerUser: number;
  };
  /** Who may call POST /api/auth/introspect, and how often. */
  introspection: IntrospectionSettings;
  /** /metrics: on the main port behind `Authorization: Bearer <token>`, and/or open on a port of its own. */
  metrics: { token: string | undefined; port: number | undefined; host: string };
  /**
   * Whose X-Forwarded-For to believe: false (none), true (any, only behind a proxy that overwrites the header),
   * a number of proxy hops, or the proxies' addresses/CIDRs. Rate limits and the audit log use the result.
   */
  trustProxy: boolean | number | string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** pretty: readable lines for a developer's terminal; json: one object per line, for log pipelines. */
  logFormat: 'json' | 'pretty';
  bodyLimitBytes: number;
  httpTimeouts: HttpTimeouts;
}

const WECHAT_API_BASE = 'https://api.weixin.qq.com';
const APPID_PATTERN = /^wx[0-9a-f]{16}$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads the configuration from `env`; throws a ConfigError listing every problem at once. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const nodeEnv = read.oneOf('NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const apps = readApps(env, problems);
  const platforms = PLATFORMS.map((wiring) => ({
    wiring,
    settings: wiring.readConfig(read, { production: nodeEnv === 'production' }),
  })).filter((platform): platform is ConfiguredPlatform => platform.settings !== undefined);
  const wechatCredentials = apps.length > 0 && apps.every((app) => app.secret !== '');
  const otherCredentials = platforms.filter(({ wiring, settings }) => wiring.hasCredentials(settings)).map(({ wiring }) => wiring.id);
  const simulatorMode = !wechatCredentials && otherCredentials.length === 0;
  const dataDir = read.string('DATA_DIR', './data');
  const dataEncryptionKey = read.optional('DATA_ENCRYPTION_KEY');
  const redisUrl = read.optional('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL must start with redis:// or rediss://');
  if (dataEncryptionKey !== undefined && Buffer.from(dataEncryptionKey, 'base64').length !== 32) {
    problems.push('DATA_ENCRYPTION_KEY must be 32 bytes, base64-encoded (try: openssl rand -base64 32)');
  }

  const databaseUrl = read.string('DATABASE_URL', `sqlite:${dataDir}/weapp-auth.db`);
  if (engineOf(databaseUrl) === undefined) problems.push(unsupportedDatabaseUrl(databaseUrl));
  const host = read.string('HOST', '127.0.0.1');
  const trustProxy = readTrustProxy(read.optional('TRUST_PROXY'), problems);
  const issuer = read.string('TOKEN_ISSUER', 'weapp-auth');
  const simulatorAsked = read.boolean('WECHAT_SIMULATOR', false);
  // The simulator lets anyone mint a login for any openid: it must never switch on by accident where real users
  // are. It is automatic only for a newcomer's bare start on this machine; anything that looks like a deployment
  // needs WECHAT_SIMULATOR=true to get it.
  if (simulatorMode && nodeEnv !== 'production' && !simulatorAsked) {
    if (apps.length > 0)
      problems.push(
        `WECHAT_SECRET is missing for ${apps.map((app) => app.appid).join(', ')}: set it, or set WECHAT_SIMULATOR=true to use the simulator with this appid`,
      );
    const deployment = deploymentSigns({ databaseUrl, dataEncryptionKey, host, trustProxy, redisUrl, issuer });
    if (deployment.length > 0) {
      problems.push(
        `no platform's secret is configured, but this looks like a deployment (${deployment.join(', ')}), where simulator mode would let anyone ` +
          'log in as any user: set WECHAT_APPID and WECHAT_SECRET (or another platform’s apps), or WECHAT_SIMULATOR=true to use the simulator anyway',
      );
    }
  }
  if (simulatorAsked && !simulatorMode) {
    const configured = [...(wechatCredentials ? ['WECHAT_SECRET'] : []), ...otherCredentials.map((id) => `the ${id} apps`)];
    problems.push(`WECHAT_SIMULATOR=true conflicts with configured credentials (${configured.join(', ')}): remove one`);
  }
  if (!simulatorMode && apps.length > 0 && !wechatCredentials) {
    problems.push(`WECHAT_SECRET is missing for ${apps.map((app) => app.appid).join(', ')}: set it, or remove the WeChat appid`);
  }

  if (nodeEnv === 'production') {
    if (simulatorMode) {
      problems.push('WECHAT_APPID and WECHAT_SECRET (or WECHAT_APPS, or another platform’s apps) are required when NODE_ENV=production');
    }
    if (dataEncryptionKey === undefined) problems.push('DATA_ENCRYPTION_KEY is required when NODE_ENV=production');
  }

  const config: Config = {
    env: nodeEnv,
    host,
    port: read.integer('PORT', 3000, 0, 65535),
    databaseUrl,
    dataDir,
    migrateOnStart: read.boolean('MIGRATE_ON_START', true),
    providers: {
      wechat: {
        apps: simulatorMode ? apps.map((app) => ({ appid: app.appid, secret: '' })) : apps,
        apiBase: simulatorMode ? read.optional('WECHAT_API_BASE') : read.url('WECHAT_API_BASE', WECHAT_API_BASE),
        timeoutMs: read.integer('WECHAT_TIMEOUT_MS', 5000, 100, 60_000),
        retries: read.integer('WECHAT_RETRIES', 2, 0, 5),
        tokenSource: read.oneOf('WECHAT_TOKEN_SOURCE', ['stable', 'plain'] as const, 'stable'),
        tokenMode: read.oneOf('WECHAT_TOKEN_MODE', ['fetch', 'read-only'] as const, 'fetch'),
      },
    },
    platforms,
    simulatorMode,
    redis: redisUrl === undefined ? undefined : { url: redisUrl, keyPrefix: read.string('REDIS_KEY_PREFIX', 'weapp-auth:') },
    tokens: {
      issuer,
      accessTtlSeconds: read.integer('ACCESS_TOKEN_TTL', 900, 30, 86_400),
      refreshTtlSeconds: read.integer('REFRESH_TOKEN_TTL', 30 * 86_400, 60, 365 * 86_400),
      refreshReuseGraceSeconds: read.integer('REFRESH_REUSE_GRACE', 10, 0, 300),
    },
    dataEncryptionKey,
    rateLimit: {
      loginPerIp: read.integer('RATE_LIMIT_LOGIN', 60, 0, 1_000_000),
      refreshPerIp: read.integer('RATE_LIMIT_REFRESH', 120, 0, 1_000_000),
      loginPerOpenid: read.integer('RATE_LIMIT_LOGIN_PER_OPENID', 20, 0, 1_000_000),
      refreshPerOpenid: read.integer('RATE_LIMIT_REFRESH_PER_OPENID', 60, 0, 1_000_000),
      wechatPerUser: read.integer('RATE_LIMIT_WECHAT_PER_USER', 30, 0, 1_000_000),
    },
    introspection: readIntrospection(read, problems),
    metrics: {
      token: read.optional('METRICS_TOKEN'),
      port: read.optional('METRICS_PORT') === undefined ? undefined : read.integer('METRICS_PORT', 9091, 0, 65535),
      host: read.string('METRICS_HOST', '127.0.0.1'),
    },
    trustProxy,
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    logFormat: read.oneOf('LOG_FORMAT', ['json', 'pretty'] as const, nodeEnv === 'development' && process.stdout.isTTY ? 'pretty' : 'json'),
    bodyLimitBytes: read.integer('BODY_LIMIT', 64 * 1024, 1024, 10 * 1024 * 1024),
    httpTimeouts: readHttpTimeouts(read, problems),
  };
  const { wechat } = config.providers;
  if (nodeEnv === 'production' && wechat.apiBase !== undefined && !isSafeApiBase(wechat.apiBase)) {
    problems.push(`WECHAT_API_BASE must be https in production (it carries the AppSecret), got "${wechat.apiBase}"`);
  }
  if (wechat.tokenMode === 'read-only' && config.redis === undefined) {
    problems.push('WECHAT_TOKEN_MODE=read-only needs REDIS_URL: the tokens it reads are stored there by another instance');
  }
  if (config.simulatorMode && wechat.apiBase !== undefined && !isHttpUrl(wechat.apiBase)) {
    problems.push(`WECHAT_API_BASE must be an http(s) URL, got "${wechat.apiBase}"`);
  }

  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}

/**
 * The secret values a configuration holds: AppSecrets, the data-encryption key, the metrics token, and the
 * passwords in the database and Redis URLs. A new secret setting belongs here too.
 */
export function configSecrets(config: Config): string[] {
  return [
    ...config.providers.wechat.apps.map((app) => app.secret),
    ...config.platforms.flatMap(({ wiring, settings }) => wiring.secrets(settings)),
    config.dataEncryptionKey,
    config.metrics.token,
    passwordOf(config.databaseUrl),
    passwordOf(config.redis?.url),
  ].filter((secret): secret is string => secret !== undefined && secret !== '');
}

function passwordOf(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  const { password } = new URL(url);
  try {
    return decodeURIComponent(password);
  } catch {
    return password; // a stray % that is no escape: the password is what is written
  }
}

/**
 * Apps come from WECHAT_APPID + WECHAT_SECRET, or WECHAT_APPS="appid:secret,appid:secret" for several.
 * In simulator mode an appid without a secret is allowed: the simulator is told to know that appid.
 */
function readApps(env: Env, problems: string[]): WechatAppConfig[] {
  const list = env.WECHAT_APPS?.trim();
  const single = env.WECHAT_APPID?.trim();
  if (list && single) problems.push('set either WECHAT_APPS or WECHAT_APPID/WECHAT_SECRET, not both');
  const apps: WechatAppConfig[] = [];
  if (list) {
    for (const entry of list.split(',')) {
      const [appid = '', ...rest] = entry.trim().split(':');
      apps.push({ appid, secret: rest.join(':') });
    }
  } else if (single) {
    apps.push({ appid: single, secret: env.WECHAT_SECRET?.trim() ?? '' });
  } else if (env.WECHAT_SECRET) {
    problems.push('WECHAT_SECRET is set but WECHAT_APPID is not');
  }
  const seen = new Set<string>();
  for (const app of apps) {
    if (!APPID_PATTERN.test(app.appid)) problems.push(`appid "${app.appid}" is not a WeChat appid (wx + 16 hex digits)`);
    if (seen.has(app.appid)) problems.push(`appid ${app.appid} is listed twice`);
    seen.add(app.appid);
  }
  const withSecret = apps.filter((app) => app.secret !== '').length;
  if (withSecret > 0 && withSecret < apps.length) problems.push('every app in WECHAT_APPS needs a secret (appid:secret)');
  return apps;
}

/** What in a configuration says "deployment" rather than "a newcomer trying it on this machine", named for the message. */
function deploymentSigns(seen: {
  databaseUrl: string;
  dataEncryptionKey: string | undefined;
  host: string;
  trustProxy: Config['trustProxy'];
  redisUrl: string | undefined;
  issuer: string;
}): string[] {
  return [
    engineOf(seen.databaseUrl) !== 'sqlite' ? 'a server DATABASE_URL' : undefined,
    seen.dataEncryptionKey !== undefined ? 'DATA_ENCRYPTION_KEY' : undefined,
    isLoopback(seen.host) ? undefined : `HOST=${seen.host}`,
    seen.trustProxy !== false ? 'TRUST_PROXY' : undefined,
    seen.redisUrl !== undefined ? 'REDIS_URL' : undefined,
    seen.issuer.startsWith('https://') ? `TOKEN_ISSUER=${seen.issuer}` : undefined,
  ].filter((sign): sign is string => sign !== undefined);
}

function readTrustProxy(raw: string | undefined, problems: string[]): boolean | number | string[] {
  if (raw === undefined || ['false', '0', 'no', 'off'].includes(raw.toLowerCase())) return false;
  if (['true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const addresses = raw.split(',').map((entry) => entry.trim());
  if (addresses.every((entry) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry))) return addresses;
  problems.push(`TRUST_PROXY must be true, false, a hop count or a list of proxy addresses/CIDRs, got "${raw}"`);
  return false;
}

const INTROSPECTION_CLIENT_ID = /^[A-Za-z0-9._-]{1,64}$/;
// Characters that read the same whether or not a client form-encodes its credentials first (RFC 6749 §2.3.1).
const INTROSPECTION_SECRET = /^[A-Za-z0-9._~-]{32,256}$/;
const INTROSPECTION_SECRET_HASH = /^sha256:([0-9a-fA-F]{64})$/;

/**
 * INTROSPECTION_CLIENTS="orders:<secret>,billing:sha256:<hex of its SHA-256>": the backends that may introspect.
 * RATE_LIMIT_INTROSPECT counts per backend. INTROSPECTION_ANONYMOUS is `off` (default) or a per-IP limit for
 * callers without credentials. Problems never quote a secret.
 */
function readIntrospection(read: EnvReader, problems: string[]): IntrospectionSettings {
  const clients: IntrospectionClient[] = [];
  (read.optional('INTROSPECTION_CLIENTS') ?? '').split(',').forEach((raw, index) => {
    const entry = raw.trim();
    if (entry === '') return;
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon);
    const secret = entry.slice(colon + 1);
    const hashed = INTROSPECTION_SECRET_HASH.exec(secret)?.[1];
    if (colon < 0 || !INTROSPECTION_CLIENT_ID.test(id)) {
      problems.push(`INTROSPECTION_CLIENTS: entry ${index + 1} must be id:secret, the id 1-64 letters, digits, ".", "_" or "-"`);
    } else if (hashed === undefined && !INTROSPECTION_SECRET.test(secret)) {
      problems.push(
        `INTROSPECTION_CLIENTS: the secret of ${id} must be 32-256 letters, digits, ".", "_", "~" or "-" (try: openssl rand -hex 32), ` +
          'or sha256:<its SHA-256 in hex>',
      );
    } else if (clients.some((client) => client.id === id)) {
      problems.push(`INTROSPECTION_CLIENTS: client ${id} is listed twice`);
    } else {
      clients.push({ id, secretHash: hashed?.toLowerCase() ?? sha256Hex(secret) });
    }
  });
  const anonymous = read.optional('INTROSPECTION_ANONYMOUS');
  const perIp = anonymous === undefined || anonymous === 'off' ? undefined : Number(anonymous);
  if (perIp !== undefined && !(Number.isInteger(perIp) && perIp >= 1 && perIp <= 1_000_000)) {
    problems.push(`INTROSPECTION_ANONYMOUS must be off or a limit per minute per IP from 1 to 1000000, got "${anonymous}"`);
  }
  return { clients, perClientPerMinute: read.integer('RATE_LIMIT_INTROSPECT', 60_000, 0, 10_000_000), anonymousPerIpPerMinute: perIp };
}

/**
 * A login request is a few hundred bytes: 10 s for its headers and 30 s for all of it leave room for a bad mobile
 * network and none for a client trickling a byte at a time. Keep-alive stays at Fastify's 72 s, longer than the
 * idle timeout of common load balancers (60 s): a shorter one lets a balancer reuse a connection the server is
 * closing, and the request sent on it fails with a 502.
 */
function readHttpTimeouts(read: EnvReader, problems: string[]): Config['httpTimeouts'] {
  const timeouts = {
    headersMs: read.integer('HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
    requestMs: read.integer('HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
    keepAliveMs: read.integer('HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, 100, 600_000),
  };
  if (timeouts.headersMs > timeouts.requestMs) {
    problems.push(
      `HTTP_HEADERS_TIMEOUT_MS (${timeouts.headersMs}) must not exceed HTTP_REQUEST_TIMEOUT_MS (${timeouts.requestMs}): ` +
        'the headers are part of the request',
    );
  }
  return timeouts;
}

/** Typed reads of single variables; each failure is recorded, naming the variable, and a default returned. */
