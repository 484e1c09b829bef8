/** The measured scenarios, each against any service (weapp-auth or a floor) that answers the same requests. */
import type autocannon from 'autocannon';
import { CodeFeed } from './code-feed.js';
import { cpuMs } from './cpu.js';
import { type LoadFigures, type LoadShape, runLoad } from './load.js';
import { sampleRss } from './memory.js';
import type { Service } from './processes.js';
import type { BenchSettings } from './settings.js';
import { mintCode } from './simulator-control.js';

export interface Measured extends LoadFigures {
  /** The service's CPU time (user + system) during the measured run over the requests it answered, ms. */
  cpuMsPerRequest: number;
  /** Highest RSS of the service during the load, MiB. */
  peakRssMiB: number;
  /** Login requests that found no fresh code (0 unless the supply was undersized): their figures undercount. */
  shortfall: number;
  connections: number;
}

const JSON_BODY = { 'content-type': 'application/json' };
/** Codes for the probe that sizes a login run's supply. */
const PROBE_CODES = 2000;
const PROBE_SECONDS = 1;
/**
 * Spare codes beyond the expected rate: the probe runs cold, so warm runs go faster. A run that still runs out
 * stops early, its rate and CPU per request still valid over the shorter time.
 */
const SUPPLY_MARGIN = 2;

/**
 * A thrown-away warm-up (JIT, pools, caches), then the measured run, the service's CPU time read around it. `drain`
 * runs after each: requests autocannon abandoned at a run's end are still being served, and must not queue ahead
 * of the next run's.
 */
async function measure(
  service: Service,
  shape: LoadShape,
  settings: BenchSettings,
  runs: { warmup?: LoadShape['setup']; drain?: () => Promise<void>; shortfall?: () => number } = {},
): Promise<Measured> {
  const sampler = sampleRss(service.pid);
  await runLoad({ ...shape, durationSeconds: settings.warmupSeconds, ...(runs.warmup === undefined ? {} : { setup: runs.warmup }) });
  await runs.drain?.();
  const cpuBefore = cpuMs(service.pid);
  const figures = await runLoad(shape);
  const cpuMsPerRequest = (cpuMs(service.pid) - cpuBefore) / Math.max(1, figures.answered);
  await runs.drain?.();
  return { ...figures, cpuMsPerRequest, peakRssMiB: sampler.stop(), shortfall: runs.shortfall?.() ?? 0, connections: shape.connections };
}

/** GET `path` (authenticated with `tokens` in turn when given): what a guarded read costs per request. */
export async function measureReads(service: Service, path: string, tokens: string[], settings: BenchSettings): Promise<Measured> {
  let next = 0;
  const shape: LoadShape = { url: service.url, path, connections: settings.connections, durationSeconds: settings.durationSeconds };
  if (tokens.length > 0) {
    shape.setup = (request) => {
      request.headers = { authorization: `Bearer ${tokens[next++ % tokens.length]}` };
      return request;
    };
  }
  return measure(service, shape, settings);
}

/**
 * POST `path` {code} with a fresh code each time: a new user's, or with `openids` a returning user's (in turn).
 * The supply is sized from two short probes, each on codes of its own.
 */
export async function measureLogins(
  service: Service,
  simulatorUrl: string,
  path: string,
  settings: BenchSettings,
  openids?: readonly string[],
): Promise<Measured> {
  const base = { url: service.url, path, method: 'POST', headers: JSON_BODY, connections: settings.connections } as const;
  const expected = await probeLoginRate(simulatorUrl, base, openids);
  // Every autocannon run also prepares one request per connection up front, and one beyond its end.
  const supply = (seconds: number): Promise<CodeFeed> =>
    CodeFeed.mint(simulatorUrl, Math.ceil(expected * seconds * SUPPLY_MARGIN) + 2 * settings.connections, openids);
  // The warm-up has codes of its own: however fast it goes, it cannot eat the measured run's.
  const warmup = await supply(settings.warmupSeconds);
  const measured = await supply(settings.durationSeconds);
  const shape = { ...base, durationSeconds: settings.durationSeconds, setup: measured.setup };
  return measure(service, shape, settings, {
    warmup: warmup.setup,
    drain: () => sentinelLogin(service, simulatorUrl, path),
    shortfall: () => measured.shortfall,
  });
}

/** Short runs on a fixed supply: the second one's rate sizes the real run's supply (the first runs cold). */
async function probeLoginRate(
  simulatorUrl: string,
  base: Omit<LoadShape, 'durationSeconds'>,
  openids?: readonly string[],
): Promise<number> {
  let rps = 0;
  for (let probe = 0; probe < 2; probe += 1) {
    const feed = await CodeFeed.mint(simulatorUrl, PROBE_CODES + base.connections, openids);
    rps = (await runLoad({ ...base, durationSeconds: PROBE_SECONDS, setup: feed.setup })).rps;
  }
  return rps;
}

/**
 * POST /api/auth/refresh: each connection rotates a refresh token of its own, sending the one the last answer
 * gave it (a refresh token works once). `refreshTokens` seeds one chain per connection.
 */
export async function measureRefreshes(service: Service, refreshTokens: readonly string[], settings: BenchSettings): Promise<Measured> {
  if (refreshTokens.length < settings.connections)
    throw new Error(`${settings.connections} refresh tokens needed, got ${refreshTokens.length}`);
  let seeded = 0;
  type Chain = { refreshToken?: string };
  const shape: LoadShape = {
    url: service.url,
    path: '/api/auth/refresh',
    method: 'POST',
    headers: JSON_BODY,
    connections: settings.connections,
    durationSeconds: settings.durationSeconds,
    setup: (request: autocannon.Request, _stop, context = {}) => {
      const chain = context as Chain;
      chain.refreshToken ??= refreshTokens[seeded++ % refreshTokens.length];
      request.body = JSON.stringify({ refreshToken: chain.refreshToken });
      return request;
    },
    onResponse: (status, body, context) => {
      if (status === 200) (context as Chain).refreshToken = (JSON.parse(body) as { refreshToken: string }).refreshToken;
    },
  };
  return measure(service, shape, settings);
}

/** One login with a fresh code. */
async function freshLogin(
  service: Service,
  simulatorUrl: string,
  path: string,
  openid?: string,
): Promise<{ status: number; body: unknown; openid: string }> {
  const minted = await mintCode(simulatorUrl, openid);
  const response = await fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: JSON_BODY,
    body: JSON.stringify({ code: minted.code }),
  });
  return { status: response.status, body: await response.json(), openid: minted.openid };
}

/** One login, answered only once the server has worked through what was queued ahead of it. */
async function sentinelLogin(service: Service, simulatorUrl: string, path: string): Promise<void> {
  await freshLogin(service, simulatorUrl, path);
}

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  openid: string;
}

/** Logs in `count` new users: the guarded reads are spread over their tokens, returning logins use their openids. */
export async function loginUsers(service: Service, simulatorUrl: string, count: number): Promise<SignedIn[]> {
  const users: SignedIn[] = [];
  for (let i = 0; i < count; i += 1) {
    const { status, body, openid } = await freshLogin(service, simulatorUrl, '/api/auth/login');
    const { accessToken, refreshToken } = body as { accessToken?: string; refreshToken?: string };
    if (status !== 200 || accessToken === undefined || refreshToken === undefined) throw new Error(`login failed: ${JSON.stringify(body)}`);
    users.push({ accessToken, refreshToken, openid });
  }
  return users;
}

/** Tokens for the peer route, signed by the floor (HS256), one per user. */
export async function peerTokens(floor: Service, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const response = await fetch(`${floor.url}/peer/token`, {
      method: 'POST',
      headers: JSON_BODY,
      body: JSON.stringify({ sub: `user-${i}` }),
    });
    tokens.push(((await response.json()) as { token: string }).token);
  }
  return tokens;
}
