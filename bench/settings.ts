/** What every scenario shares: durations, load shapes, targets, the app the simulator and server agree on. */

/** A real-looking app: the server runs as in production (NODE_ENV=production), against the standalone simulator. */
export const APP = { appid: 'wx0000000000be0c11', secret: 'bench0123456789abcdef0123456789ab' };

export interface BenchSettings {
  /** Seconds of each measured run, a row's or its floor's (BENCH_DURATION; 3, or 2 with BENCH_QUICK=1). */
  durationSeconds: number;
  /**
   * Seconds of load thrown away before a row's first pair, on each side: JIT, pools and caches warm up. Later pairs
   * need none: both processes served the same requests seconds before.
   */
  warmupSeconds: number;
  /** Pairs of runs (the floor's, then the row's) per row (BENCH_REPEATS; 3, or 2 with BENCH_QUICK=1). */
  repeats: number;
  /** Starts of the floor and of `weapp-auth serve`, alternately, each (BENCH_STARTS; 5, or 3 with BENCH_QUICK=1). */
  starts: number;
  /** Connections of every scenario (BENCH_CONNECTIONS). */
  connections: number;
  /** Users logged in before the guarded reads, whose tokens the load is spread over. */
  meUsers: number;
  /** SQLite only (BENCH_QUICK=1): a smoke run of every scenario in two or three minutes. */
  quick: boolean;
}

/** The goals (#13), each a ratio of CPU per request measured side by side, or an absolute on this machine. */
export const TARGETS = {
  /** A guarded read at the default LOG_LEVEL=info over a bare Fastify route with its info request log. */
  guardAtInfo: 1.3,
  /** A guarded read at LOG_LEVEL=warn over a bare Fastify route without a logger. */
  guardAtWarn: 1.5,
  /** A first login on SQLite over a bare route making the one jscode2session call. */
  login: 2,
  /** A first login on PostgreSQL or MariaDB over the same on SQLite. */
  loginEngines: 1.5,
  /** RSS at rest, MiB. */
  restRssMiB: 80,
  /** Spawn to ready on SQLite with an up-to-date schema, ms. */
  startupMs: 500,
} as const;

export function readSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const quick = env.BENCH_QUICK === '1';
  // Runs of 3 s, each paired with its floor's and repeated, fit a three-engine run in about a quarter of an hour;
  // 2 s fit the smoke run in two or three minutes.
  const durationSeconds = positive(env.BENCH_DURATION, quick ? 2 : 3, 'BENCH_DURATION');
  return {
    durationSeconds,
    // Paid once per row and side, so 2 s even in the smoke run: after 1 s, the first pair on a freshly started
    // server (and on the floor's /login, first used by the logins) still cost up to 2x the CPU per request of the
    // second: JIT, a young heap.
    warmupSeconds: 2,
    repeats: positive(env.BENCH_REPEATS, quick ? 2 : 3, 'BENCH_REPEATS'),
    starts: positive(env.BENCH_STARTS, quick ? 3 : 5, 'BENCH_STARTS'),
    connections: positive(env.BENCH_CONNECTIONS, 50, 'BENCH_CONNECTIONS'),
    meUsers: 100,
    quick,
  };
}
function positive(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}
