/**
 * `npm run bench`: builds, starts the simulator, the baseline floors and weapp-auth on each engine as child
 * processes, drives them with autocannon from this process, and writes BENCHMARKS.md. BENCH_QUICK=1: SQLite only,
 * 3 s per scenario.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type EngineSetup, engineSetups } from './engines.js';
import { describeMachine } from './machine.js';
import { rssMiB } from './memory.js';
import type { Service } from './processes.js';
import { type EngineFigures, type FloorFigures, type Report, renderReport } from './report.js';
import { loginUsers, measureLogins, measureReads, measureRefreshes, peerTokens } from './scenarios.js';
import { compileChildren, GUARDED_ENTRY, type ServerRun, startFloor, startSimulator, startWeappAuth } from './services.js';
import { type BenchSettings, readSettings } from './settings.js';

/** Time after start before RSS "at rest" is read: lazy initialisation done, nothing yet loaded. */
const SETTLE_MS = 2000;
/** The last run's figures: BENCH_REPORT_ONLY=1 rewrites BENCHMARKS.md from them after the notes change. */
const LAST_RUN = 'bench/.build/last-run.json';
/** The operator's route behind app.authenticate, served by the guarded entry. */
const OPERATOR_ROUTE = '/bench/guarded';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

function writeReport(report: Report): void {
  writeFileSync('BENCHMARKS.md', renderReport(report));
  writeFileSync(LAST_RUN, JSON.stringify(report, null, 2));
}

async function main(): Promise<void> {
  if (process.env.BENCH_REPORT_ONLY === '1') {
    writeReport(JSON.parse(readFileSync(LAST_RUN, 'utf8')) as Report);
    return log(`BENCHMARKS.md rewritten from ${LAST_RUN}`);
  }
  const settings = readSettings();
  const machine = describeMachine();
  const started = performance.now();
  await compileChildren();
  const simulator = await startSimulator();
  const floors = { info: await startFloor(simulator.url, 'info'), none: await startFloor(simulator.url, 'none') };
  try {
    log(`simulator ${simulator.url}; ${settings.durationSeconds}s per scenario`);
    const floor = await measureFloors(floors, simulator.url, settings);
    const engines: EngineFigures[] = [];
    for (const setup of engineSetups(settings.quick)) engines.push(await measureEngine(setup, simulator.url, settings));
    const cli = await measureCliStart(simulator.url);
    const minutes = (performance.now() - started) / 60_000;
    writeReport({ machine, settings, floor, engines, cli, minutes });
    log(`BENCHMARKS.md written (${minutes.toFixed(1)} min)`);
  } finally {
    await floors.info.stop();
    await floors.none.stop();
    await simulator.stop();
  }
}

async function measureFloors(
  floors: { info: Service; none: Service },
  simulatorUrl: string,
  settings: BenchSettings,
): Promise<FloorFigures> {
  await sleep(SETTLE_MS);
  const restRssMiB = rssMiB(floors.none.pid);
  const tokens = await peerTokens(floors.none, settings.meUsers);
  log('floors: GET /bare and the peer GET /peer, with the info logger and without');
  const bareInfo = await measureReads(floors.info, '/bare', [], settings);
  const bareNone = await measureReads(floors.none, '/bare', [], settings);
  const peerInfo = await measureReads(floors.info, '/peer', tokens, settings);
  const peerNone = await measureReads(floors.none, '/peer', tokens, settings);
  log('floor: POST /login (one jscode2session call), info logger');
  const login = await measureLogins(floors.info, simulatorUrl, '/login', settings);
  return { startupMs: floors.none.startupMs, restRssMiB, bareInfo, bareNone, peerInfo, peerNone, login };
}

/**
 * One engine on a fresh database: at the default LOG_LEVEL=info the guarded reads, the logins (new and returning)
 * and the refresh; then restarted on the same database (schema up to date) at LOG_LEVEL=warn, the guarded reads again.
 */
async function measureEngine(setup: EngineSetup, simulatorUrl: string, settings: BenchSettings): Promise<EngineFigures> {
  const database = await setup.open();
  const dataDir = mkdtempSync(join(tmpdir(), 'weapp-auth-bench-'));
  const run: ServerRun = { env: database.env, simulatorUrl, entry: [GUARDED_ENTRY] };
  try {
    const atInfo = await startWeappAuth({ ...run, logLevel: 'info' }, dataDir);
    let info: EngineFigures['info'];
    let tokens: string[];
    try {
      const users = await loginUsers(atInfo, simulatorUrl, Math.max(settings.meUsers, settings.connections));
      tokens = users.map((user) => user.accessToken);
      log(`${setup.label}, LOG_LEVEL=info: GET /api/me, GET ${OPERATOR_ROUTE}`);
      const me = await measureReads(atInfo, '/api/me', tokens, settings);
      const operator = await measureReads(atInfo, OPERATOR_ROUTE, tokens, settings);
      log(`${setup.label}, LOG_LEVEL=info: first logins, returning logins, refreshes`);
      const newLogin = await measureLogins(atInfo, simulatorUrl, '/api/auth/login', settings);
      const returningLogin = await measureLogins(
        atInfo,
        simulatorUrl,
        '/api/auth/login',
        settings,
        users.map((user) => user.openid),
      );
      const refresh = await measureRefreshes(
        atInfo,
        users.map((user) => user.refreshToken),
        settings,
      );
      info = { startupMs: atInfo.startupMs, me, operator, newLogin, returningLogin, refresh };
    } finally {
      await atInfo.stop();
    }
    const atWarn = await startWeappAuth({ ...run, logLevel: 'warn' }, dataDir);
    try {
      await sleep(SETTLE_MS);
      const restRssMiB = rssMiB(atWarn.pid);
      log(`${setup.label}, LOG_LEVEL=warn: GET /api/me, GET ${OPERATOR_ROUTE}, GET /healthz`);
      const me = await measureReads(atWarn, '/api/me', tokens, settings);
      const operator = await measureReads(atWarn, OPERATOR_ROUTE, tokens, settings);
      const healthz = await measureReads(atWarn, '/healthz', [], settings);
      return { label: setup.label, info, warn: { startupMs: atWarn.startupMs, restRssMiB, me, operator, healthz } };
    } finally {
      await atWarn.stop();
    }
  } finally {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** `weapp-auth serve` as users start it, on SQLite: once to migrate, then again on the up-to-date schema. */
async function measureCliStart(simulatorUrl: string): Promise<{ startupMs: number; restRssMiB: number }> {
  const [sqlite] = engineSetups(true);
  if (sqlite === undefined) throw new Error('no SQLite set-up');
  const database = await sqlite.open();
  const dataDir = mkdtempSync(join(tmpdir(), 'weapp-auth-bench-'));
  try {
    await (await startWeappAuth({ env: database.env, simulatorUrl }, dataDir)).stop();
    const server = await startWeappAuth({ env: database.env, simulatorUrl, logLevel: 'info' }, dataDir);
    try {
      await sleep(SETTLE_MS);
      return { startupMs: server.startupMs, restRssMiB: rssMiB(server.pid) };
    } finally {
      await server.stop();
    }
  } finally {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

await main();
