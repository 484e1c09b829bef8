/** The measured scenarios, each against any service (weapp-auth or a floor) that answers the same requests. */
import { CodeFeed } from './code-feed.js';
import { type LoadFigures, type LoadShape, runLoad } from './load.js';
import { sampleRss } from './memory.js';
import type { Service } from './processes.js';
import type { BenchSettings } from './settings.js';
import { mintCode, setExchangeDelay } from './simulator-control.js';

export interface Measured extends LoadFigures {
  /** Highest RSS of the service during the load, MiB. */
  peakRssMiB: number;
  /** Login requests that found no fresh code (0 unless the supply was undersized): their figures undercount. */
  shortfall: number;
  connections: number;
  /** The capped request rate of an open-loop run. */
  overallRate?: number;
}

const JSON_BODY = { 'content-type': 'application/json' };
/** Codes for the probe that sizes a login run's supply. */
const PROBE_CODES = 3000;
const PROBE_SECONDS = 1;
/**
 * Spare codes beyond the expected rate: the probe runs cold, so warm runs go faster. A run that still runs out
 * stops early, its rate still valid over the shorter time.
 */
const SUPPLY_MARGIN = 2;

/**
 * A thrown-away warm-up (JIT, pools, caches), then the measured run. `drain` runs after each: requests autocannon
 * abandoned at a run's end are still being served, and must not queue ahead of the next run's.
 */
async function measure(
  service: Service,
  shape: LoadShape,
  settings: BenchSettings,
  logins?: { warmup: CodeFeed; measured: CodeFeed; drain(): Promise<void> },
): Promise<Measured> {
  const sampler = sampleRss(service.pid);
  await runLoad({ ...shape, durationSeconds: settings.warmupSeconds, ...(logins === undefined ? {} : { setup: logins.warmup.setup }) });
  await logins?.drain();
  const figures = await runLoad(shape);
  await logins?.drain();
  const overall = shape.overallRate === undefined ? {} : { overallRate: shape.overallRate };
  return { ...figures, peakRssMiB: sampler.stop(), shortfall: logins?.measured.shortfall ?? 0, connections: shape.connections, ...overall };
}

/** GET `path` (authenticated with `tokens` in turn when given): what a cached guard costs per request. */
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

export interface LoginLoad {
  connections: number;
  /** Injected into every jscode2session, ms. */
  delayMs: number;
  /** Logins per second the service is expected to reach, to size the code supply; probed when absent. */
  expectedRps?: number;
  /** Open loop at this rate instead of closed loop. */
  overallRate?: number;
}

/** POST `path` {code} with a fresh code each time, the simulator answering after `delayMs`. */
export async function measureLogins(
  service: Service,
  simulatorUrl: string,
  path: string,
  load: LoginLoad,
  settings: BenchSettings,
): Promise<Measured> {
  const base = { url: service.url, path, method: 'POST', headers: JSON_BODY, connections: load.connections } as const;
  await setExchangeDelay(simulatorUrl, 0);
  const expected = load.overallRate ?? load.expectedRps ?? (await probeLoginRate(simulatorUrl, base));
  // Closed loop cannot exceed one login per connection per delay.
  const ceiling = load.delayMs > 0 ? (load.connections * 1000) / load.delayMs : Infinity;
  // Every autocannon run also prepares one request per connection up front, and one beyond its end.
  const supply = (seconds: number): Promise<CodeFeed> =>
    CodeFeed.mint(simulatorUrl, Math.ceil(Math.min(expected, ceiling) * seconds * SUPPLY_MARGIN) + 2 * load.connections);
  // The warm-up has codes of its own: however fast it goes, it cannot eat the measured run's.
  const feeds = { warmup: await supply(settings.warmupSeconds), measured: await supply(settings.durationSeconds) };
  await setExchangeDelay(simulatorUrl, load.delayMs, feeds.warmup.size + feeds.measured.size + SENTINELS);
  try {
    const overall = load.overallRate === undefined ? {} : { overallRate: load.overallRate };
    const shape = { ...base, ...overall, durationSeconds: settings.durationSeconds, setup: feeds.measured.setup };
    const drain = (): Promise<void> => sentinelLogin(service, simulatorUrl, path);
    return await measure(service, shape, settings, { ...feeds, drain });
  } finally {
    await setExchangeDelay(simulatorUrl, 0);
  }
}

/**
 * Short runs on a fixed supply: the second one's rate sizes the real run's supply (the first runs cold). Run out,
 * a probe stops early, its rate still right.
 */
async function probeLoginRate(simulatorUrl: string, base: Omit<LoadShape, 'durationSeconds'>): Promise<number> {
  let rps = 0;
  for (let probe = 0; probe < 2; probe += 1) {
    const feed = await CodeFeed.mint(simulatorUrl, PROBE_CODES + base.connections);
    rps = (await runLoad({ ...base, durationSeconds: PROBE_SECONDS, setup: feed.setup })).rps;
  }
  return rps;
}

/** Drain calls per login scenario (after the warm-up and after the measured run); each takes one delayed exchange. */
const SENTINELS = 2;

/** One login with a fresh code. */
async function freshLogin(service: Service, simulatorUrl: string, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: JSON_BODY,
    body: JSON.stringify({ code: await mintCode(simulatorUrl) }),
  });
  return { status: response.status, body: await response.json() };
}

/** One login, answered only once the server has worked through what was queued ahead of it. */
async function sentinelLogin(service: Service, simulatorUrl: string, path: string): Promise<void> {
  await freshLogin(service, simulatorUrl, path);
}

/** Logs in `count` new users and returns their access tokens: the load of GET /api/me is spread over them. */
export async function loginUsers(service: Service, simulatorUrl: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const { status, body } = await freshLogin(service, simulatorUrl, '/api/auth/login');
    const accessToken = (body as { accessToken?: string }).accessToken;
    if (status !== 200 || accessToken === undefined) throw new Error(`login failed: ${JSON.stringify(body)}`);
    tokens.push(accessToken);
  }
  return tokens;
}
