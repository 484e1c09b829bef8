/**
 * `npm run bench`: builds, starts the simulator, the baseline floors and weapp-auth on each engine as child
 * processes, drives them with autocannon from this process, and writes BENCHMARKS.md. Every row is measured in pairs
 * with its floor (`bench/pairs.ts`). BENCH_QUICK=1: SQLite only, two pairs of 2 s runs per row.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type EngineSetup, engineSetups } from './engines.js';
import { describeMachine } from './machine.js';
import { rssMiB } from './memory.js';
import { measurePair, median, type Pair, pairRatios, type Scenario } from './pairs.js';
import type { Service } from './processes.js';
import { type AtRest, type EngineFigures, REPORT_FORMAT, type Report, renderReport } from './report.js';
import { logins, loginUsers, peerTokens, reads, refreshes, refreshTokensNeeded } from './scenarios.js';
import { compileChildren, GUARDED_ENTRY, type ServerRun, startFloor, startSimulator, startWeappAuth } from './services.js';
import { type BenchSettings, readSettings } from './settings.js';

/** Time after start before RSS "at rest" is read: lazy initialisation done, nothing yet loaded. */
const SETTLE_MS = 2000;
/** The last run's figures: BENCH_REPORT_ONLY=1 rewrites BENCHMARKS.md from them after the notes change. */
const LAST_RUN = 'bench/.build/last-run.json';
/** The operator's route behind app.authenticate, served by the guarded entry. */
const OPERATOR_ROUTE = '/bench/guarded';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

/** What every row needs: the floor processes, started once and kept for the whole run, the simulator, the settings. */
interface Bench {
  floors: {
    /** With Fastify's info request log: the floor of rows at LOG_LEVEL=info, and of the logins. */
    info: Service;
    /** Without a logger: the floor of rows at LOG_LEVEL=warn. */
    none: Service;
  };
  simulatorUrl: string;
  settings: BenchSettings;
}

function writeReport(report: Report): void {
  writeFileSync('BENCHMARKS.md', renderReport(report));
  writeFileSync(LAST_RUN, JSON.stringify(report, null, 2));
}

async function main(): Promise<void> {
  if (process.env.BENCH_REPORT_ONLY === '1') {
    const report = JSON.parse(readFileSync(LAST_RUN, 'utf8')) as Report;
    if (report.format !== REPORT_FORMAT) throw new Error(`${LAST_RUN} is from an older bench (figures of another shape): run the bench`);
    writeReport(report);
    return log(`BENCHMARKS.md rewritten from ${LAST_RUN}`);
  }
  const settings = readSettings();
  const machine = describeMachine();
  const started = performance.now();
  await compileChildren();
  const simulator = await startSimulator();
  const floors = { info: await startFloor(simulator.url, 'info'), none: await startFloor(simulator.url, 'none') };
  const bench: Bench = { floors, simulatorUrl: simulator.url, settings };
  try {
    const { repeats, durationSeconds, warmupSeconds } = settings;
    log(
      `simulator ${simulator.url}; every row: ${repeats} pairs of ${durationSeconds} s runs (floor, then row), after ${warmupSeconds} s of warm-up`,
    );
    const peers = await measurePeers(bench);
    const engines: EngineFigures[] = [];
    for (const setup of engineSetups(settings.quick)) engines.push(await measureEngine(setup, bench));
    const starts = await measureStarts(bench);
    const minutes = (performance.now() - started) / 60_000;
    writeReport({ format: REPORT_FORMAT, machine, settings, peers, engines, starts, minutes });
    log(`BENCHMARKS.md written (${minutes.toFixed(1)} min)`);
  } finally {
    await floors.info.stop();
    await floors.none.stop();
    await simulator.stop();
  }
}

/** The floors' scenarios: a fresh one for every row, so nothing one row learned or spent reaches another. */
function bare({ floors, settings }: Bench, logger: 'info' | 'none'): Scenario {
  return reads(floors[logger], '/bare', [], settings);
}

function bareLogin({ floors, simulatorUrl, settings }: Bench): Scenario {
  return logins(floors.info, simulatorUrl, '/login', settings);
}

/** `GET /api/me` and the operator's route on `server`, each beside the bare route of the floor with `logger`. */
async function guardedReads(
  bench: Bench,
  at: string,
  server: Service,
  tokens: readonly string[],
  logger: 'info' | 'none',
): Promise<{ me: Pair; operator: Pair }> {
  const me = await row(bench, `${at}: GET /api/me`, bare(bench, logger), reads(server, '/api/me', tokens, bench.settings));
  const operator = await row(
    bench,
    `${at}: GET ${OPERATOR_ROUTE}`,
    bare(bench, logger),
    reads(server, OPERATOR_ROUTE, tokens, bench.settings),
  );
  return { me, operator };
}

/** One row: measured in pairs with its floor, the pairs' ratios logged as they come. */
async function row(bench: Bench, what: string, floor: Scenario, scenario: Scenario): Promise<Pair> {
  const started = performance.now();
  const pair = await measurePair(floor, scenario, bench.settings);
  const ratios = pairRatios(pair);
  const seconds = (performance.now() - started) / 1000;
  log(`${what}: ${median(ratios).toFixed(2)}× its floor (${ratios.map((ratio) => ratio.toFixed(2)).join(', ')}), ${seconds.toFixed(0)} s`);
  return pair;
}

/** The peer (`@fastify/jwt` HS256) beside the bare route of the same process, with the info logger and without. */
async function measurePeers(bench: Bench): Promise<Report['peers']> {
  const { floors, settings } = bench;
  const tokens = await peerTokens(floors.none, settings.meUsers);
  const peer = (logger: 'info' | 'none'): Promise<Pair> =>
    row(
      bench,
      `peer GET /peer, ${logger === 'info' ? 'info log' : 'no logger'}`,
      bare(bench, logger),
      reads(floors[logger], '/peer', tokens, settings),
    );
  return { info: await peer('info'), none: await peer('none') };
}

/**
 * One engine on a fresh database: at the default LOG_LEVEL=info the guarded reads, the logins (new and returning)
 * and the refresh; then restarted on the same database (schema up to date) at LOG_LEVEL=warn, the guarded reads again.
 */
async function measureEngine(setup: EngineSetup, bench: Bench): Promise<EngineFigures> {
  const { simulatorUrl, settings } = bench;
  const database = await setup.open();
  const dataDir = mkdtempSync(join(tmpdir(), 'weapp-auth-bench-'));
  const run: ServerRun = { env: database.env, simulatorUrl, entry: [GUARDED_ENTRY] };
  try {
    const atInfo = await startWeappAuth({ ...run, logLevel: 'info' }, dataDir);
    let info: EngineFigures['info'];
    let tokens: string[];
    try {
      // The readers' tokens are never refreshed: the refresh rows spend users of their own.
      const users = await loginUsers(atInfo, simulatorUrl, settings.meUsers + refreshTokensNeeded(settings));
      const readers = users.slice(0, settings.meUsers);
      tokens = readers.map((user) => user.accessToken);
      const at = `${setup.label}, LOG_LEVEL=info`;
      const { me, operator } = await guardedReads(bench, at, atInfo, tokens, 'info');
      const login = (openids?: readonly string[]): Scenario => logins(atInfo, simulatorUrl, '/api/auth/login', settings, openids);
      const newLogin = await row(bench, `${at}: first logins`, bareLogin(bench), login());
      const returningLogin = await row(bench, `${at}: returning logins`, bareLogin(bench), login(readers.map((user) => user.openid)));
      const refreshTokens = users.slice(settings.meUsers).map((user) => user.refreshToken);
      const refresh = await row(bench, `${at}: refreshes`, bareLogin(bench), refreshes(atInfo, refreshTokens, settings));
      info = { startupMs: atInfo.startupMs, me, operator, newLogin, returningLogin, refresh };
    } finally {
      await atInfo.stop();
    }
    const atWarn = await startWeappAuth({ ...run, logLevel: 'warn' }, dataDir);
    try {
      await sleep(SETTLE_MS);
      const restRssMiB = rssMiB(atWarn.pid);
      const at = `${setup.label}, LOG_LEVEL=warn`;
      const { me, operator } = await guardedReads(bench, at, atWarn, tokens, 'none');
      const healthz = await row(bench, `${at}: GET /healthz`, bare(bench, 'none'), reads(atWarn, '/healthz', [], settings));
      return { label: setup.label, info, warn: { startupMs: atWarn.startupMs, restRssMiB, me, operator, healthz } };
    } finally {
      await atWarn.stop();
    }
  } finally {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Start-up and RSS at rest: a floor (bare Fastify, no logger) and `weapp-auth serve` as users start it (SQLite,
 * migrated by a first start), started alternately `settings.starts` times each, so both see the same machine.
 */
async function measureStarts({ simulatorUrl, settings }: Bench): Promise<Report['starts']> {
  const [sqlite] = engineSetups(true);
  if (sqlite === undefined) throw new Error('no SQLite set-up');
  const database = await sqlite.open();
  const dataDir = mkdtempSync(join(tmpdir(), 'weapp-auth-bench-'));
  try {
    await (await startWeappAuth({ env: database.env, simulatorUrl }, dataDir)).stop();
    const starts: Report['starts'] = { floor: [], serve: [] };
    for (let start = 0; start < settings.starts; start += 1) {
      starts.floor.push(await atRest(() => startFloor(simulatorUrl, 'none')));
      starts.serve.push(await atRest(() => startWeappAuth({ env: database.env, simulatorUrl, logLevel: 'info' }, dataDir)));
    }
    log(
      `start-up: floor ${median(starts.floor.map((one) => one.startupMs)).toFixed(0)} ms, ` +
        `weapp-auth serve ${median(starts.serve.map((one) => one.startupMs)).toFixed(0)} ms (medians of ${settings.starts})`,
    );
    return starts;
  } finally {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A process started, left at rest, measured, stopped. */
async function atRest(start: () => Promise<Service>): Promise<AtRest> {
  const service = await start();
  try {
    await sleep(SETTLE_MS);
    return { startupMs: service.startupMs, restRssMiB: rssMiB(service.pid) };
  } finally {
    await service.stop();
  }
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

await main();
