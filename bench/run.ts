/**
 * `npm run bench`: builds, starts the simulator, the baseline floors and weapp-auth on each engine as child
 * processes, drives them with autocannon from this process, and writes BENCHMARKS.md.
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
import { type Diagnostics, type EngineFigures, type FloorFigures, type Report, renderReport } from './report.js';
import { loginUsers, measureLogins, measureReads } from './scenarios.js';
import { compileChildren, GUARDED_ENTRY, startFloor, startSimulator, startWeappAuth } from './services.js';
import { type BenchSettings, readSettings } from './settings.js';

/** Time after start before RSS "at rest" is read: lazy initialisation done, nothing yet loaded. */
const SETTLE_MS = 2000;
/** The last run's figures: BENCH_REPORT_ONLY=1 rewrites BENCHMARKS.md from them after the notes change. */
const LAST_RUN = 'bench/.build/last-run.json';
/** The open-loop latency run offers this share of the closed-loop login capacity: busy, not saturated. */
const OPEN_LOOP_SHARE = 0.5;

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
  const floor = await startFloor(simulator.url);
  try {
    log(`simulator ${simulator.url}, floor ${floor.url}; ${settings.durationSeconds}s per scenario`);
    const floorFigures = await measureFloor(floor, simulator.url, settings);
    const engines: EngineFigures[] = [];
    let diagnostics: Diagnostics | undefined;
    for (const setup of engineSetups(settings.withRedis)) {
      const result = await measureEngine(setup, floor, simulator.url, settings, diagnostics === undefined);
      engines.push(result.figures);
      diagnostics ??= result.diagnostics;
    }
    const minutes = (performance.now() - started) / 60_000;
    writeReport({ machine, settings, floor: floorFigures, engines, diagnostics, minutes });
    log(`BENCHMARKS.md written (${minutes.toFixed(1)} min)`);
  } finally {
    await floor.stop();
    await simulator.stop();
  }
}

async function measureFloor(floor: Service, simulatorUrl: string, settings: BenchSettings): Promise<FloorFigures> {
  await sleep(SETTLE_MS);
  const restRssMiB = rssMiB(floor.pid);
  log('floor: GET /bare');
  const bare = await measureReads(floor, '/bare', [], settings);
  log('floor: POST /login, no delay');
  const login = await measureLogins(floor, simulatorUrl, '/login', { connections: settings.connections, delayMs: 0 }, settings);
  log(`floor: POST /login, ${settings.injectedDelayMs} ms delay, ${settings.latencyConnections} connections`);
  const latency = await measureLogins(
    floor,
    simulatorUrl,
    '/login',
    { connections: settings.latencyConnections, delayMs: settings.injectedDelayMs, expectedRps: login.rps },
    settings,
  );
  return { startupMs: floor.startupMs, restRssMiB, bare, login, latency };
}

async function measureEngine(
  setup: EngineSetup,
  floor: Service,
  simulatorUrl: string,
  settings: BenchSettings,
  withDiagnostics: boolean,
): Promise<{ figures: EngineFigures; diagnostics: Diagnostics | undefined }> {
  const database = await setup.open();
  const dataDir = mkdtempSync(join(tmpdir(), 'weapp-auth-bench-'));
  const run = { env: database.env, simulatorUrl };
  try {
    const server = await startWeappAuth(run, dataDir);
    let figures: EngineFigures;
    let tokens: string[];
    try {
      await sleep(SETTLE_MS);
      const restRssMiB = rssMiB(server.pid);
      tokens = await loginUsers(server, simulatorUrl, settings.meUsers);
      log(`${setup.label}: GET /api/me`);
      const me = await measureReads(server, '/api/me', tokens, settings);
      log(`${setup.label}: POST /api/auth/login, no delay`);
      const logins = { connections: settings.connections, delayMs: 0 };
      const login = await measureLogins(server, simulatorUrl, '/api/auth/login', logins, settings);
      log(`${setup.label}: POST /api/auth/login, ${settings.injectedDelayMs} ms delay, ${settings.latencyConnections} connections`);
      const delayed = { connections: settings.latencyConnections, delayMs: settings.injectedDelayMs };
      const latency = await measureLogins(server, simulatorUrl, '/api/auth/login', { ...delayed, expectedRps: login.rps }, settings);
      const openLoop = { ...delayed, overallRate: Math.max(1, Math.round(login.rps * OPEN_LOOP_SHARE)) };
      log(`${setup.label}: the same at ${openLoop.overallRate} logins/s, open loop, and the floor at that rate`);
      const latencyOpen = await measureLogins(server, simulatorUrl, '/api/auth/login', openLoop, settings);
      const floorOpen = await measureLogins(floor, simulatorUrl, '/login', openLoop, settings);
      figures = { label: setup.label, startupMs: server.startupMs, restRssMiB, me, login, latency, latencyOpen, floorOpen };
    } finally {
      await server.stop();
    }
    const diagnostics = withDiagnostics ? await diagnose(run, dataDir, tokens, settings) : undefined;
    return { figures, diagnostics };
  } finally {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * On the first engine's database, already migrated and holding the users: a restart (start-up without
 * migrations), GET /api/me at the default LOG_LEVEL=info (the logger's cost), and the guard alone.
 */
async function diagnose(
  run: { env: Record<string, string>; simulatorUrl: string },
  dataDir: string,
  tokens: string[],
  settings: BenchSettings,
): Promise<Diagnostics> {
  const verbose = await startWeappAuth({ ...run, logLevel: 'info' }, dataDir);
  let meAtInfo;
  try {
    log('diagnostics: GET /api/me at LOG_LEVEL=info');
    meAtInfo = await measureReads(verbose, '/api/me', tokens, settings);
  } finally {
    await verbose.stop();
  }
  const guardedServer = await startWeappAuth({ ...run, entry: [GUARDED_ENTRY] }, dataDir);
  try {
    log('diagnostics: GET /healthz, then a constant route behind the guard');
    const healthz = await measureReads(guardedServer, '/healthz', [], settings);
    const guarded = await measureReads(guardedServer, '/bench/guarded', tokens, settings);
    return { restartMs: verbose.startupMs, healthz, meAtInfo, guarded };
  } finally {
    await guardedServer.stop();
  }
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

await main();
