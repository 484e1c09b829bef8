/** What every scenario shares: durations, load shapes, targets, the app the simulator and server agree on. */

/** A real-looking app: the server runs as in production (NODE_ENV=production), against the standalone simulator. */
export const APP = { appid: 'wx0000000000be0c11', secret: 'bench0123456789abcdef0123456789ab' };

export interface BenchSettings {
  /** Seconds measured per scenario (BENCH_DURATION). */
  durationSeconds: number;
  /** Seconds of load before each measurement, thrown away: JIT, pools and caches warm up. */
  warmupSeconds: number;
  /** Connections of the throughput scenarios (BENCH_CONNECTIONS). */
  connections: number;
  /** Connections of the latency scenario: the 500 concurrent clients. */
  latencyConnections: number;
  /** Delay injected into every jscode2session of the latency scenario, ms. */
  injectedDelayMs: number;
  /** Users logged in before GET /api/me, whose tokens the load is spread over. */
  meUsers: number;
  /** Also run PostgreSQL + Redis (BENCH_REDIS=0 to skip). */
  withRedis: boolean;
}

export const TARGETS = {
  /** GET /api/me throughput ≥ 85% of a bare Fastify route's. */
  meRatio: 0.85,
  /** Logins per second ≥ 60% of a bare route making one loopback HTTP call. */
  loginRatio: 0.6,
  /** p99 login latency at most this much above the injected delay, ms. */
  latencyOverheadMs: 15,
} as const;

export function readSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const durationSeconds = positive(env.BENCH_DURATION, 10, 'BENCH_DURATION');
  return {
    durationSeconds,
    // Short smoke runs keep a proportionally short warm-up.
    warmupSeconds: Math.min(3, Math.max(1, Math.round(durationSeconds / 4))),
    connections: positive(env.BENCH_CONNECTIONS, 50, 'BENCH_CONNECTIONS'),
    latencyConnections: 500,
    injectedDelayMs: 100,
    meUsers: 100,
    withRedis: env.BENCH_REDIS !== '0',
  };
}

function positive(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}
