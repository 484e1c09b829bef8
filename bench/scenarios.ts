/** The measured scenarios, each against any service (weapp-auth or a floor) that answers the same requests. */
import { CodeFeed } from './code-feed.js';
import { warmThenRun, runLoad, type LoadFigures, type LoadShape } from './load.js';
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
/** Spare codes beyond the expected rate, so a faster-than-probed run still has fresh ones. */
const SUPPLY_MARGIN = 1.3;

async function measure(service: Service, shape: LoadShape, settings: BenchSettings, feed?: CodeFeed): Promise<Measured> {
  const sampler = sampleRss(service.pid);
  const figures = await warmThenRun(shape, settings.warmupSeconds);
  const overall = shape.overallRate === undefined ? {} : { overallRate: shape.overallRate };
  return { ...figures, peakRssMiB: sampler.stop(), shortfall: feed?.shortfall ?? 0, connections: shape.connections, ...overall };
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
  const seconds = settings.warmupSeconds + settings.durationSeconds;
  // Each of the two autocannon runs (warm-up, measured) also prepares one request per connection up front.
  const upFront = 2 * load.connections;
  const feed = await CodeFeed.mint(simulatorUrl, Math.ceil(Math.min(expected, ceiling) * seconds * SUPPLY_MARGIN) + upFront + 200);
  await setExchangeDelay(simulatorUrl, load.delayMs, feed.size);
  try {
    const overall = load.overallRate === undefined ? {} : { overallRate: load.overallRate };
    return await measure(service, { ...base, ...overall, durationSeconds: settings.durationSeconds, setup: feed.setup }, settings, feed);
  } finally {
    await setExchangeDelay(simulatorUrl, 0);
  }
}

/** A short run on a fixed supply: its rate sizes the real run's supply. Run out, it says "at least this". */
async function probeLoginRate(simulatorUrl: string, base: Omit<LoadShape, 'durationSeconds'>): Promise<number> {
  const feed = await CodeFeed.mint(simulatorUrl, PROBE_CODES + base.connections);
  const figures = await runLoad({ ...base, durationSeconds: PROBE_SECONDS, setup: feed.setup });
  return feed.shortfall > 0 ? (PROBE_CODES / PROBE_SECONDS) * 2 : figures.rps;
}

/** Logs in `count` new users and returns their access tokens: the load of GET /api/me is spread over them. */
export async function loginUsers(service: Service, simulatorUrl: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const response = await fetch(`${service.url}/api/auth/login`, {
      method: 'POST',
      headers: JSON_BODY,
      body: JSON.stringify({ code: await mintCode(simulatorUrl) }),
    });
    const body = (await response.json()) as { accessToken?: string };
    if (response.status !== 200 || body.accessToken === undefined) throw new Error(`login failed: ${JSON.stringify(body)}`);
    tokens.push(body.accessToken);
  }
  return tokens;
}
