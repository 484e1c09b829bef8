/** BENCHMARKS.md from one run's figures: every figure beside its same-run floor, each goal met or missed. */
import type { Machine } from './machine.js';
import type { Measured } from './scenarios.js';
import { type BenchSettings, TARGETS } from './settings.js';

export interface FloorFigures {
  startupMs: number;
  restRssMiB: number;
  /** GET /bare: a bare Fastify route, with Fastify's info request log and without a logger. */
  bareInfo: Measured;
  bareNone: Measured;
  /** GET /peer: the same answer behind @fastify/jwt HS256 verification. */
  peerInfo: Measured;
  peerNone: Measured;
  /** POST /login: a bare Fastify route (info logger) making one loopback call to jscode2session. */
  login: Measured;
}

export interface EngineFigures {
  label: string;
  /** At the default LOG_LEVEL=info, on a fresh database (start-up ran the migrations). */
  info: { startupMs: number; me: Measured; operator: Measured; newLogin: Measured; returningLogin: Measured; refresh: Measured };
  /** At LOG_LEVEL=warn, restarted on the same database (schema up to date). */
  warn: { startupMs: number; restRssMiB: number; me: Measured; operator: Measured; healthz: Measured };
}

export interface Report {
  machine: Machine;
  settings: BenchSettings;
  floor: FloorFigures;
  engines: EngineFigures[];
  /** `weapp-auth serve` on SQLite with an up-to-date schema. */
  cli: { startupMs: number; restRssMiB: number };
  minutes: number;
}

export function renderReport(report: Report): string {
  return (
    [header(report), goalsSection(report), guardSection(report), loginSection(report), processSection(report), notesSection(report)].join(
      '\n\n',
    ) + '\n'
  );
}

function header({ machine, settings, minutes }: Report): string {
  return `# Benchmarks

Written by \`npm run bench\` (\`bench/run.ts\`); rerun it rather than editing this file (\`BENCH_QUICK=1\` for a
SQLite-only smoke run). Every figure stands beside a floor measured in the same run on the same machine, so the
ratios hold even where the absolute figures are noisy. **CPU per request** is the server process's user + system
time (\`/proc/<pid>/stat\`, utime + stime) over the measured run, divided by the requests it answered.

| | |
|---|---|
| date | ${machine.date} |
| commit | \`${machine.commit}\`${machine.dirty ? ' (with uncommitted changes)' : ''} |
| CPU | ${machine.cpu}, ${machine.cores} cores |
| memory | ${machine.memoryGiB} GiB |
| OS | ${machine.os} |
| Node.js | ${machine.node} |
| load average at start | ${machine.loadAtStart} |
| run | ${settings.durationSeconds} s measured per scenario after ${settings.warmupSeconds} s of warm-up (\`BENCH_DURATION\`), ${settings.connections} connections (\`BENCH_CONNECTIONS\`); ${minutes.toFixed(1)} min in all |
| server | the real server (\`startServer\`, as \`weapp-auth serve\`) with one operator route behind \`app.authenticate\` (\`bench/baseline/guarded-server.ts\`), \`NODE_ENV=production\`, rate limits off (all load comes from one IP), WeChat at the standalone simulator on loopback |
| floors | \`bench/baseline/floor-server.ts\`, twice: with Fastify's info request log, and without a logger |
| processes | server, simulator and floors each in a child process of their own; autocannon in the parent |`;
}

interface Goal {
  goal: string;
  measured: number;
  target: number;
  unit: 'ratio' | 'MiB' | 'ms';
}

function goals({ engines, floor, cli }: Report): Goal[] {
  const list: Goal[] = [];
  const sqlite = engines[0];
  for (const engine of engines) {
    for (const [what, info, warn] of [
      ['`GET /api/me`', engine.info.me, engine.warn.me],
      ['operator route behind `app.authenticate`', engine.info.operator, engine.warn.operator],
    ] as const) {
      list.push({
        goal: `${engine.label}: ${what}, LOG_LEVEL=info, over bare route with info log`,
        measured: cpuRatio(info, floor.bareInfo),
        target: TARGETS.guardAtInfo,
        unit: 'ratio',
      });
      list.push({
        goal: `${engine.label}: ${what}, LOG_LEVEL=warn, over bare route without logger`,
        measured: cpuRatio(warn, floor.bareNone),
        target: TARGETS.guardAtWarn,
        unit: 'ratio',
      });
    }
  }
  if (sqlite !== undefined) {
    list.push({
      goal: 'SQLite: first login over the bare jscode2session route',
      measured: cpuRatio(sqlite.info.newLogin, floor.login),
      target: TARGETS.login,
      unit: 'ratio',
    });
    for (const engine of engines.slice(1)) {
      list.push({
        goal: `${engine.label}: first login over SQLite's`,
        measured: cpuRatio(engine.info.newLogin, sqlite.info.newLogin),
        target: TARGETS.loginEngines,
        unit: 'ratio',
      });
    }
  }
  list.push({ goal: '`weapp-auth serve` (SQLite), RSS at rest', measured: cli.restRssMiB, target: TARGETS.restRssMiB, unit: 'MiB' });
  list.push({
    goal: '`weapp-auth serve` (SQLite, schema up to date), spawn → ready',
    measured: cli.startupMs,
    target: TARGETS.startupMs,
    unit: 'ms',
  });
  return list;
}

function goalsSection(report: Report): string {
  const rows = goals(report).map((goal) => {
    const shown = goal.unit === 'ratio' ? `${goal.measured.toFixed(2)}×` : `${goal.measured.toFixed(0)} ${goal.unit}`;
    const target = goal.unit === 'ratio' ? `≤ ${goal.target}×` : `≤ ${goal.target} ${goal.unit}`;
    const missedBy =
      goal.unit === 'ratio' ? `${(goal.measured - goal.target).toFixed(2)}×` : `${(goal.measured - goal.target).toFixed(0)} ${goal.unit}`;
    return `| ${goal.goal} | ${shown} | ${target} | ${goal.measured <= goal.target ? 'met' : `**missed** by ${missedBy}`} |`;
  });
  return `## Goals (issue #13)

Ratios are of CPU per request, both sides measured in this run.

| goal | measured | target | result |
|---|---:|---:|---|
${rows.join('\n')}`;
}

function guardSection({ engines, floor, settings }: Report): string {
  const row = (what: string, figures: Measured, base: Measured): string =>
    `| ${what} | ${us(figures)} | ${us(base)} | ${cpuRatio(figures, base).toFixed(2)}× | ${rate(figures)} / ${rate(base)} | ${latencies(figures)} / ${latencies(base)} |`;
  const rows = [
    row('peer: `@fastify/jwt` HS256 route, info log', floor.peerInfo, floor.bareInfo),
    row('peer: `@fastify/jwt` HS256 route, no logger', floor.peerNone, floor.bareNone),
    ...engines.flatMap((engine) => [
      row(`${engine.label}: \`GET /api/me\`, LOG_LEVEL=info`, engine.info.me, floor.bareInfo),
      row(`${engine.label}: operator route, LOG_LEVEL=info`, engine.info.operator, floor.bareInfo),
      row(`${engine.label}: \`GET /api/me\`, LOG_LEVEL=warn`, engine.warn.me, floor.bareNone),
      row(`${engine.label}: operator route, LOG_LEVEL=warn`, engine.warn.operator, floor.bareNone),
      row(`${engine.label}: \`GET /healthz\` (no guard), LOG_LEVEL=warn`, engine.warn.healthz, floor.bareNone),
    ]),
  ];
  return `## Guarded reads, warm tokens

Load spread over the access tokens of ${settings.meUsers} users logged in beforehand. Each row beside its floor: a
bare Fastify route answering a JSON of \`/api/me\`'s shape, with Fastify's info request log for rows at info (two
lines per request, as weapp-auth's default writes), without a logger for rows at warn. The peer is the usual way to
guard a Fastify route with a token: no session lookup, so no revocation.

| route | CPU µs/request | floor µs/request | ratio | req/s (floor) | p50 / p99 ms (floor) |
|---|---:|---:|---:|---:|---:|
${rows.join('\n')}`;
}

function loginSection({ engines, floor }: Report): string {
  const row = (engine: EngineFigures, what: string, figures: Measured): string =>
    `| ${engine.label} | ${what} | ${us(figures)} | ${cpuRatio(figures, floor.login).toFixed(2)}× | ${rate(figures)} | ${latencies(figures)} |`;
  const rows = engines.flatMap((engine) => [
    row(engine, 'first login (new user)', engine.info.newLogin),
    row(engine, 'returning login', engine.info.returningLogin),
    row(engine, 'refresh (rotation)', engine.info.refresh),
  ]);
  return `## Logins and refresh, LOG_LEVEL=info

\`POST /api/auth/login\` with a fresh wx.login code per request (minted before the load: new users, or the users
logged in beforehand for returning logins), and \`POST /api/auth/refresh\`, each connection rotating its own refresh
token. The floor is a bare Fastify route with the info log making the one call a login cannot avoid: \`jscode2session\`
on the same simulator, through \`fetch\` as the server's WeChat client does (\`POST /login\`): ${us(floor.login)} µs,
${rate(floor.login)}/s.

| engine | request | CPU µs/request | over the floor | req/s | p50 / p99 ms |
|---|---|---:|---:|---:|---:|
${rows.join('\n')}`;
}

function processSection({ engines, floor, cli }: Report): string {
  const rows = engines.map(
    (engine) =>
      `| weapp-auth + operator route, ${engine.label} | ${engine.info.startupMs.toFixed(0)} | ${engine.warn.startupMs.toFixed(0)} | ${engine.warn.restRssMiB.toFixed(0)} |`,
  );
  return `## Memory and start-up

Spawn of \`node\` to the first \`200\` from the readiness route (\`/readyz\`, which queries the database), polled every
5 ms; RSS (\`/proc/<pid>/status\`) 2 s after start.

| process | start, fresh database (migrations), ms | start, schema up to date, ms | RSS at rest, MiB |
|---|---:|---:|---:|
| floor (bare Fastify, no logger) | — | ${floor.startupMs.toFixed(0)} | ${floor.restRssMiB.toFixed(0)} |
| \`weapp-auth serve\`, SQLite | — | ${cli.startupMs.toFixed(0)} | ${cli.restRssMiB.toFixed(0)} |
${rows.join('\n')}`;
}

function notesSection(report: Report): string {
  return `## Notes

${[...flagged(report), ...NOTES].map((note) => `- ${note}`).join('\n')}`;
}

/** Runs whose figures undercount: failed requests, or a code supply that ran out. */
function flagged({ floor, engines }: Report): string[] {
  const runs: [string, Measured][] = [
    ['floor POST /login', floor.login],
    ...engines.flatMap((engine): [string, Measured][] => [
      [`${engine.label} first login`, engine.info.newLogin],
      [`${engine.label} returning login`, engine.info.returningLogin],
      [`${engine.label} refresh`, engine.info.refresh],
      [`${engine.label} GET /api/me`, engine.info.me],
    ]),
  ];
  return runs
    .filter(([, figures]) => figures.failures > 0 || figures.shortfall > 0)
    .map(
      ([name, figures]) =>
        `**${name}**: of ${figures.requests} requests sent, ${figures.answered} were answered within the run and ${figures.failures} failed${figures.shortfall > 0 ? `; the code supply ran out, so the run stopped after ${figures.seconds.toFixed(1)} s` : ''}. Its rate counts 2xx answers only.`,
    );
}

/** Written by hand from CPU profiles (`node --cpu-prof`) of the server under the same loads, 2026-11-29. */
const NOTES = [
  "autocannon (in the parent process), the server, the simulator and the floors share the machine's cores; CPU per request is the server's own time, so it is less sensitive to that than req/s, but a busy machine (other test suites) still inflates both sides, the larger process more. The ratios, measured under the same contention, are what compare; the load average at start is in the table above.",
  "Each engine runs on a database created for the run and dropped after (`test/support/test-databases.ts`): SQLite in a temporary file, PostgreSQL and MariaDB on the local servers over TCP, with Redis under a key prefix of the run's own.",
  "**Removed, profiled before and after** (per request, measured in isolation): pino's wildcard redaction paths (`*.code` and the like ran `@pinojs/redact` over every value of every line and every per-request child logger's bindings: 11 µs per request of logging at info became 3 µs, 1.4 µs at warn became 0.3 µs; the bare logger takes 1.7 and 0.2); the two async hooks (`onSend`, `onResponse`: a promise each per request) are synchronous and the headers are set once in `onRequest`; prom-client's label validation and hashing on every observation (series resolved once per route and status); Kysely's SQLite driver preparing every statement anew (about 5% of a login's CPU, now a cache of prepared statements).",
  "**Where the guarded read's time goes now** (SQLite, operator route at LOG_LEVEL=warn, 10 s of load): of the busy samples, a quarter is `writev`, the kernel's socket write of each answer, which the bare route pays alike; garbage collection 4%; then Node's HTTP parser and Fastify's request and reply machinery. weapp-auth's own functions are each under 2% of busy time: the session-status read (`executeQuery`, once a second per session: the revocation window), lru-cache lookups (verified tokens, session status), `authenticate`, `SigningKeyRing.publicKey`, prom-client's histogram, `randomUUID` request ids. No single function remains to remove; what is left is the number of steps per request (three hooks, a guard of two cache lookups, a histogram and a counter, a request id, two more headers), each small.",
  "**Where a login's time goes**: jose's Ed25519 signing through WebCrypto (a thread-pool job per signature) and, on PostgreSQL and MariaDB, the round trips of the find-or-create transaction and the session and refresh-token writes; the pool size is now `DATABASE_POOL_SIZE`. The floor makes the one WeChat call and nothing else, so a login's ratio is bounded below by its database writes and the audit rows (`user_created`, `login`), which stay.",
];

function cpuRatio(figures: Measured, base: Measured): number {
  return figures.cpuMsPerRequest / base.cpuMsPerRequest;
}

function us(figures: Measured): string {
  return (figures.cpuMsPerRequest * 1000).toFixed(0);
}

function rate(figures: Measured): string {
  return Math.round(figures.rps).toLocaleString('en-US');
}

function latencies(figures: Measured): string {
  return figures.answered === 0 ? 'none answered' : `${figures.p50Ms} / ${figures.p99Ms}`;
}
