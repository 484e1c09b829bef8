/** The processes a run starts: the simulator, weapp-auth on one engine, the baseline floors. */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { freePort, type Service, startService } from './processes.js';
import { APP } from './settings.js';

/** Where the TypeScript child entries are compiled, so they start and weigh what plain JavaScript does. */
const BUILD_DIR = 'bench/.build';
export const FLOOR_ENTRY = `${BUILD_DIR}/floor-server.mjs`;
export const GUARDED_ENTRY = `${BUILD_DIR}/guarded-server.mjs`;
/** One key per bench process: a server restarted on the same database must open the signing keys it sealed. */
const DATA_ENCRYPTION_KEY = randomBytes(32).toString('base64');

/** The guarded server imports the library from src for its types; it runs the built dist, as the CLI does. */
const libraryFromDist: Plugin = {
  name: 'library-from-dist',
  setup(esbuild): void {
    esbuild.onResolve({ filter: /\/src\/index\.js$/ }, () => ({ path: resolve('dist/index.js'), external: true }));
  },
};

export async function compileChildren(): Promise<void> {
  await build({
    plugins: [libraryFromDist],
    entryPoints: { 'floor-server': 'bench/baseline/floor-server.ts', 'guarded-server': 'bench/baseline/guarded-server.ts' },
    outdir: BUILD_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
}

export async function startSimulator(): Promise<Service> {
  const port = await freePort();
  return startService({
    name: 'simulator',
    args: ['dist/cli.js', 'simulator', '--port', String(port), '--app', `${APP.appid}:${APP.secret}`],
    env: {},
    readyPath: '/control/stats',
    port,
  });
}

export interface ServerRun {
  /** DATABASE_URL and anything else the engine needs (REDIS_URL). */
  env: Record<string, string>;
  simulatorUrl: string;
  /** warn unless a scenario measures the logger itself. */
  logLevel?: 'warn' | 'info';
  /** `node` arguments; the CLI by default, as users run it. */
  entry?: string[];
}

/** weapp-auth as in production: real-looking credentials, WeChat at the simulator, rate limits off (one client IP). */
export async function startWeappAuth(run: ServerRun, dataDir: string): Promise<Service> {
  const port = await freePort();
  return startService({
    name: 'weapp-auth',
    args: run.entry ?? ['dist/cli.js', 'serve'],
    env: {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      DATA_ENCRYPTION_KEY,
      WECHAT_APPS: `${APP.appid}:${APP.secret}`,
      WECHAT_API_BASE: run.simulatorUrl,
      RATE_LIMIT_LOGIN: '0',
      RATE_LIMIT_LOGIN_PER_OPENID: '0',
      RATE_LIMIT_REFRESH: '0',
      RATE_LIMIT_REFRESH_PER_OPENID: '0',
      LOG_LEVEL: run.logLevel ?? 'warn',
      ...run.env,
    },
    readyPath: '/readyz',
    port,
  });
}

/** The baselines' process: with Fastify's info request log (as weapp-auth's default) or with no logger at all. */
export async function startFloor(simulatorUrl: string, logger: 'info' | 'none'): Promise<Service> {
  const port = await freePort();
  return startService({
    name: `floor (${logger === 'info' ? 'info logger' : 'no logger'})`,
    args: [FLOOR_ENTRY],
    env: { PORT: String(port), WECHAT_API_BASE: simulatorUrl, APPID: APP.appid, SECRET: APP.secret, FLOOR_LOGGER: logger },
    readyPath: '/readyz',
    port,
  });
}
