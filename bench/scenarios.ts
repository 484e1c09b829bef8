/**
 * The measured scenarios, each against any service (weapp-auth or a floor) that answers the same requests, run
 * again for every pair (`Scenario.prepare`) with what a run consumes (codes, refresh tokens) fresh each time.
 */
import type autocannon from 'autocannon';
import { CodeFeed } from './code-feed.js';
import { type LoadFigures, type LoadShape, runLoad } from './load.js';
import type { Run, Scenario } from './pairs.js';
import type { Service } from './processes.js';
import type { BenchSettings } from './settings.js';
import { mintCode } from './simulator-control.js';

const JSON_BODY = { 'content-type': 'application/json' };
/**
 * Codes for a login warm-up, per second of it: about what the floor's bare login takes. A warm-up that runs out
 * stops early, a warm-up still; its rate sizes the first measured run's supply.
 */
const WARMUP_CODES_PER_SECOND = 4000;
/**
 * Spare codes beyond the expected rate. A warm-up's rate is a cold start's, ramping up: warm runs have gone three
 * times as fast. A measured run's rate is a warm one, but on a shared machine the next run may still go twice as
 * fast. A run that still runs out stops early, its rate and CPU per request still valid over the shorter time, and
 * the report flags it.
 */
const MARGIN_OVER_WARMUP = 3;
const MARGIN_OVER_RUNS = 2;

/** GET `path` (authenticated with `tokens` in turn when given): what a guarded read costs per request. */
export function reads(service: Service, path: string, tokens: readonly string[], settings: BenchSettings): Scenario {
  let next = 0;
  const load: LoadShape = { url: service.url, path, connections: settings.connections, durationSeconds: settings.durationSeconds };
  if (tokens.length > 0) {
    load.setup = (request) => {
      request.headers = { authorization: `Bearer ${tokens[next++ % tokens.length]}` };
      return request;
    };
  }
  return {
    service,
    warmUp: async () => {
      await runLoad({ ...load, durationSeconds: settings.warmupSeconds });
    },
    prepare: async () => ({ load }),
  };
}

/**
 * POST `path` {code} with a fresh code each time: a new user's, or with `openids` a returning user's (in turn).
 * Every run has codes of its own, minted before its pair starts and sized from the rate seen so far (the warm-up's
 * first, then the fastest of the measured runs).
 */
export function logins(
  service: Service,
  simulatorUrl: string,
  path: string,
  settings: BenchSettings,
  openids?: readonly string[],
): Scenario {
  const base = { url: service.url, path, method: 'POST', headers: JSON_BODY, connections: settings.connections } as const;
  const drain = (): Promise<void> => sentinelLogin(service, simulatorUrl, path);
  // Every autocannon run also prepares one request per connection up front, and one beyond its end.
  const mint = (codes: number): Promise<CodeFeed> => CodeFeed.mint(simulatorUrl, Math.ceil(codes) + 2 * settings.connections, openids);
  // Requests sent per second (each took a code), the warm-up's and the fastest measured run's.
  let warmupRate = 0;
  let runRate = 0;
  const sentRate = (figures: LoadFigures): number => figures.requests / Math.max(0.1, figures.seconds);
  return {
    service,
    async warmUp(): Promise<void> {
      const feed = await mint(WARMUP_CODES_PER_SECOND * settings.warmupSeconds);
      warmupRate = sentRate(await runLoad({ ...base, durationSeconds: settings.warmupSeconds, setup: feed.setup }));
      await drain();
    },
    async prepare(): Promise<Run> {
      const expected = runRate > 0 ? runRate * MARGIN_OVER_RUNS : warmupRate * MARGIN_OVER_WARMUP;
      if (expected === 0) throw new Error(`${path}: no rate to size a code supply from (no warm-up, or it sent nothing)`);
      const feed = await mint(expected * settings.durationSeconds);
      return {
        load: { ...base, durationSeconds: settings.durationSeconds, setup: feed.setup },
        drain,
        finish: (figures) => {
          runRate = Math.max(runRate, sentRate(figures));
          return feed.shortfall;
        },
      };
    },
  };
}

/**
 * POST /api/auth/refresh: each connection rotates a refresh token of its own, sending the one the last answer
 * gave it (a refresh token works once). Every run, warm-up included, seeds its chains with `connections` tokens
 * never sent before: a run's last requests, abandoned in flight, spend tokens whose successors it never learns.
 */
export function refreshes(service: Service, refreshTokens: readonly string[], settings: BenchSettings): Scenario {
  let taken = 0;
  const chains = (durationSeconds: number): LoadShape => {
    const seeds = refreshTokens.slice(taken, taken + settings.connections);
    taken += settings.connections;
    if (seeds.length < settings.connections) throw new Error(`${taken} refresh tokens needed, got ${refreshTokens.length}`);
    let seeded = 0;
    type Chain = { refreshToken?: string };
    return {
      url: service.url,
      path: '/api/auth/refresh',
      method: 'POST',
      headers: JSON_BODY,
      connections: settings.connections,
      durationSeconds,
      setup: (request: autocannon.Request, _stop, context = {}) => {
        const chain = context as Chain;
        chain.refreshToken ??= seeds[seeded++ % seeds.length];
        request.body = JSON.stringify({ refreshToken: chain.refreshToken });
        return request;
      },
      onResponse: (status, body, context) => {
        if (status === 200) (context as Chain).refreshToken = (JSON.parse(body) as { refreshToken: string }).refreshToken;
      },
    };
  };
  return {
    service,
    warmUp: async () => {
      await runLoad(chains(settings.warmupSeconds));
    },
    prepare: async () => ({ load: chains(settings.durationSeconds) }),
  };
}

/** Refresh tokens `refreshes` spends: one chain per connection for every run, the warm-up's included. */
export function refreshTokensNeeded(settings: BenchSettings): number {
  return settings.connections * (settings.repeats + 1);
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
