import { Writable } from 'node:stream';
import { afterEach } from 'vitest';
import { adminCommand } from '../../src/admin/commands.js';
import type { IdentityProvider } from '../../src/core/identity-provider.js';
import { createLogger } from '../../src/observability/logging.js';
import { type RunningSimulator, startSimulator } from '../../src/providers/wechat/simulator/index.js';
import { type Config, loadConfig } from '../../src/server/config.js';
import { type RunningServer, startServer } from '../../src/server/start.js';
import { type Engine, engineOf } from '../../src/store/sql/database.js';
import { forTheBlock } from './block-lifetime.js';
import { harnessDatabase } from './harness-database.js';
import { countRowsSync, forgetDatabaseSync } from './sync-count.js';
import { removeDirectory, temporaryDirectory } from './temporary-directory.js';

export const APP_A = { appid: 'wx00000000000000a1', secret: '0123456789abcdef0123456789abcdef' };
export const APP_B = { appid: 'wx00000000000000b2', secret: 'fedcba9876543210fedcba9876543210' };
/** The backend every harness's server knows in INTROSPECTION_CLIENTS. */
export const BACKEND = { clientId: 'test-backend', clientSecret: 'introspection-secret-0123456789abcdef' };

/** HTTP Basic credentials for POST /api/auth/introspect. */
export function basicAuth(client: { clientId: string; clientSecret: string } = BACKEND): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` };
}

/**
 * A server on a fresh database, talking over HTTP to its own standalone simulator, with a movable clock. The
 * database is a SQLite file unless WEAPP_TEST_ENGINE names postgres or mariadb (see harness-database.ts).
 */
export interface Harness {
  server: RunningServer;
  simulator: RunningSimulator;
  config: Config;
  /** The engine the server's DATABASE_URL names. */
  engine: Engine;
  /** Everything the server logged, one JSON line each. */
  logs: string[];
  /** Moves the server's clock (tokens, sessions) forward. */
  advance(seconds: number): void;
  /** Row counts straight from the server's database (through the store, on any engine), to prove what was written. */
  count(table: 'users' | 'accounts' | 'union_identities' | 'sessions' | 'refresh_tokens'): number;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Identity providers beside WeChat (a fake platform), wired in as an operator would. */
  providers?: IdentityProvider[];
}

export async function startHarness(env: Record<string, string> = {}, options: HarnessOptions = {}): Promise<Harness> {
  // A DATA_DIR given by the caller is shared with another harness (same database, same keys) and left in place.
  const ownsDir = env.DATA_DIR === undefined;
  const dir = env.DATA_DIR ?? temporaryDirectory('test');
  const database = await harnessDatabase(env, dir);
  const simulator = await startSimulator({ apps: [APP_A, APP_B] });
  let offset = 0;
  const logs: string[] = [];
  let config: Config;
  let server: RunningServer;
  try {
    config = loadConfig({
      ...database.env,
      NODE_ENV: 'test',
      PORT: '0',
      DATA_DIR: dir,
      WECHAT_APPS: `${APP_A.appid}:${APP_A.secret},${APP_B.appid}:${APP_B.secret}`,
      WECHAT_API_BASE: simulator.url,
      WECHAT_TIMEOUT_MS: '1000',
      RATE_LIMIT_LOGIN: '0',
      RATE_LIMIT_REFRESH: '0',
      RATE_LIMIT_LOGIN_PER_OPENID: '0',
      RATE_LIMIT_REFRESH_PER_OPENID: '0',
      RATE_LIMIT_INTROSPECT: '0',
      RATE_LIMIT_WECHAT_PER_USER: '0',
      INTROSPECTION_CLIENTS: `${BACKEND.clientId}:${BACKEND.clientSecret}`,
      LOG_LEVEL: 'debug',
      ...env,
    });
    server = await startServer(config, {
      ...options,
      clock: () => Date.now() + offset,
      logDestination: logInto(logs),
    });
  } catch (error) {
    // A refused config or a server that failed to start must not leave its simulator listening or its database behind.
    await simulator.close();
    await database.release();
    if (ownsDir) removeDirectory(dir);
    throw error;
  }
  return {
    server,
    simulator,
    config,
    engine: engineOf(config.databaseUrl) ?? 'sqlite',
    logs,
    advance(seconds: number): void {
      offset += seconds * 1000;
    },
    count(table): number {
      return countRowsSync(config.databaseUrl, table);
    },
    async close(): Promise<void> {
      await server.close();
      await simulator.close();
      forgetDatabaseSync(config.databaseUrl);
      await database.release();
      if (ownsDir) removeDirectory(dir);
    },
  };
}

/** Runs an admin command in-process on the harness's database, as `weapp-auth admin …` would, and returns what it printed. */
export async function adminOn(h: Harness, ...argv: string[]): Promise<any> {
  const printed: unknown[] = [];
  await adminCommand(argv, h.config, createLogger('silent'), (value) => printed.push(value));
  return printed[0];
}

/** A log destination that keeps every line the server writes in `lines`, one JSON line each. */
export function logInto(lines: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done): void {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      done();
    },
  });
}

/**
 * The environment of another instance on `first`'s data: its DATA_DIR, hence its database and signing keys. The
 * instance gets a simulator of its own, unless `sameWechat`: then it calls `first`'s, as the instances of a fleet
 * share one WeChat.
 */
export function sameDataAs(first: Harness, { sameWechat = false } = {}): Record<string, string> {
  return { DATA_DIR: first.config.dataDir, ...(sameWechat ? { WECHAT_API_BASE: first.simulator.url } : {}) };
}

/**
 * The harness of the enclosing file or describe block: started before its first test, closed after its last. What it
 * returns stands for that harness (every member reads the running one), so tests use it as one they started.
 * `env` may be a function, read at start: for a harness that depends on another (`() => sameDataAs(first)`).
 */
export function useHarness(env: Record<string, string> | (() => Record<string, string>) = {}, options: HarnessOptions = {}): Harness {
  const harness = forTheBlock('a harness from useHarness', () => startHarness(typeof env === 'function' ? env() : env, options));
  return {
    get server() {
      return harness.current().server;
    },
    get simulator() {
      return harness.current().simulator;
    },
    get config() {
      return harness.current().config;
    },
    get engine() {
      return harness.current().engine;
    },
    get logs() {
      return harness.current().logs;
    },
    advance: (seconds) => harness.current().advance(seconds),
    count: (table) => harness.current().count(table),
    close: harness.close,
  };
}

/** Harnesses started inside tests: each is closed after its test, passed or failed, the last started first. */
export interface Harnesses {
  start(env?: Record<string, string>, options?: HarnessOptions): Promise<Harness>;
  /** Another instance on `first`'s data (see sameDataAs), closed before it. */
  secondInstance(first: Harness, env?: Record<string, string>, options?: HarnessOptions & { sameWechat?: boolean }): Promise<Harness>;
}

export function harnessesPerTest(): Harnesses {
  const started: Harness[] = [];
  // A second instance shares its first one's DATA_DIR and database, which the first removes on close: it goes first.
  afterEach(async () => {
    for (const h of started.splice(0).reverse()) await h.close();
  });
  const start = async (env: Record<string, string> = {}, options: HarnessOptions = {}): Promise<Harness> => {
    const h = await startHarness(env, options);
    started.push(h);
    return h;
  };
  return {
    start,
    secondInstance: (first, env = {}, { sameWechat, ...options } = {}) => start({ ...env, ...sameDataAs(first, { sameWechat }) }, options),
  };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON; typed loosely because assertions read arbitrary shapes. */
  body: any;
}

/** One HTTP call; the body is parsed as JSON when there is one. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { json?: unknown; token?: string; headers?: Record<string, string>; raw?: string | Buffer } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.json !== undefined) headers['content-type'] ??= 'application/json';
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.raw ?? (options.json === undefined ? null : JSON.stringify(options.json)),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

export interface MintedCode {
  code: string;
  openid: string;
  unionid?: string;
  sessionKey: string;
}

/** A wx.login code from the simulator, for a new user or the given one. */
export async function mintCode(
  simulatorUrl: string,
  user: { appid?: string; openid?: string; unionid?: string; sessionKey?: string } = {},
): Promise<MintedCode> {
  const response = await call(simulatorUrl, 'POST', '/control/codes', { json: { appid: APP_A.appid, ...user } });
  if (response.status !== 200) throw new Error(`minting a code failed: ${JSON.stringify(response.body)}`);
  return response.body as MintedCode;
}

export async function injectFault(
  simulatorUrl: string,
  fault: { api: string; errcode?: number; errmsg?: string; delayMs?: number; times?: number; body?: string },
): Promise<void> {
  const response = await call(simulatorUrl, 'POST', '/control/faults', { json: fault });
  if (response.status !== 204) throw new Error(`injecting a fault failed: ${JSON.stringify(response.body)}`);
}

export async function wechatCalls(simulatorUrl: string, api: string): Promise<number> {
  const response = await call(simulatorUrl, 'GET', '/control/stats');
  return (response.body.calls[api] as number | undefined) ?? 0;
}

/** Logs in a new (or the given) simulated user and returns the token response. */
export async function loginAs(
  h: Harness,
  user: { appid?: string; openid?: string; unionid?: string } = {},
): Promise<{ minted: MintedCode; response: JsonResponse }> {
  const minted = await mintCode(h.simulator.url, user);
  const response = await call(h.server.url, 'POST', '/api/auth/login', {
    json: { code: minted.code, ...(user.appid === undefined ? {} : { appid: user.appid }) },
  });
  return { minted, response };
}

/**
 * Logs a new (or the given) simulated user in, as loginAs does, but throws unless the login succeeds: the code used
 * and the token response's body (accessToken, refreshToken, user).
 */
export async function signIn(
  h: Harness,
  user: { appid?: string; openid?: string; unionid?: string } = {},
): Promise<{ minted: MintedCode; tokens: JsonResponse['body'] }> {
  const { minted, response } = await loginAs(h, user);
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { minted, tokens: response.body };
}

/** The token response of a new (or the given) user's successful login. */
export async function tokensFor(
  h: Harness,
  user: { appid?: string; openid?: string; unionid?: string } = {},
): Promise<JsonResponse['body']> {
  return (await signIn(h, user)).tokens;
}
