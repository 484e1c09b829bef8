import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/providers/wechat/simulator/index.js';
import { APP_A, call, injectFault, type JsonResponse, mintCode, wechatCalls } from '../support/harness.js';
import { type ServerProcess, startServerProcess } from '../support/processes.js';
import { useTemporaryDirectory } from '../support/temporary-directory.js';
import { until } from '../support/until.js';

/**
 * `weapp-auth serve` as an operator runs it, sent SIGTERM (what Docker, systemd and Kubernetes send) while 30 logins
 * wait on a slow WeChat: every one of them gets its complete answer, the process exits 0, and nothing that arrives
 * after the signal is left hanging.
 */

const IN_FLIGHT = 30;
/** How long WeChat takes over each of those logins: long enough that all are still waiting when the signal lands. */
const WECHAT_DELAY_MS = 800;

const data = useTemporaryDirectory('sigterm');
let simulator: RunningSimulator;
const processes: ServerProcess[] = [];

async function serve(): Promise<ServerProcess> {
  const server = await startServerProcess({
    NODE_ENV: 'test',
    DATA_DIR: data.path,
    WECHAT_APPS: `${APP_A.appid}:${APP_A.secret}`,
    WECHAT_API_BASE: simulator.url,
    RATE_LIMIT_LOGIN: '0',
    RATE_LIMIT_LOGIN_PER_OPENID: '0',
  });
  processes.push(server);
  return server;
}

beforeAll(async () => {
  simulator = await startSimulator({ apps: [APP_A] });
});

afterAll(async () => {
  await Promise.all(processes.map((server) => server.stop('SIGKILL')));
  await simulator?.close();
});

/**
 * One request on a connection of its own, so that it is a new arrival rather than a reuse of a pooled keep-alive
 * socket; resolves to its status, the connection error code, or "hang" past the deadline.
 */
function freshRequest(url: string, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve) => {
    const req = request(`${url}/healthz`, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(`HTTP ${res.statusCode}`));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve('hang');
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

describe('SIGTERM under load', () => {
  // One scenario in steps: the server, the logins in flight and the promise of its exit carry from step to step.
  let server: ServerProcess;
  let exited: Promise<number | null>;
  let sessions: { accessToken: string }[] = [];

  it('finishes every login in flight with a complete 200, and refuses what arrives after the signal', async () => {
    server = await serve();
    const warm = await call(server.url, 'POST', '/api/auth/login', { json: { code: (await mintCode(simulator.url)).code } });
    expect(warm.status).toBe(200);

    const codes = await Promise.all(Array.from({ length: IN_FLIGHT }, async () => (await mintCode(simulator.url)).code));
    await injectFault(simulator.url, { api: 'jscode2session', delayMs: WECHAT_DELAY_MS, times: IN_FLIGHT });
    const exchanged = await wechatCalls(simulator.url, 'jscode2session');
    // allSettled: a socket hang-up must show up as a failed login in the assertion below, not abort the test early.
    const logins = Promise.allSettled(codes.map((code) => call(server.url, 'POST', '/api/auth/login', { json: { code } })));
    await until('every login to reach WeChat', async () => (await wechatCalls(simulator.url, 'jscode2session')) === exchanged + IN_FLIGHT);

    exited = server.stop('SIGTERM');
    await until('the shutdown to begin', () => server.output.some((line) => line.includes('SIGTERM received')));
    // The listener closes right after that line is written; give the process a moment to get there.
    await sleep(100);
    const latecomers = await Promise.all(Array.from({ length: 3 }, () => freshRequest(server.url)));
    for (const outcome of latecomers) expect(['ECONNREFUSED', 'HTTP 503']).toContain(outcome);

    const settled = await logins;
    const failures = settled.flatMap((s, i) =>
      s.status === 'rejected'
        ? [`login ${i}: ${String(s.reason)}`]
        : s.value.status === 200
          ? []
          : [`login ${i}: ${s.value.status} ${JSON.stringify(s.value.body)}`],
    );
    expect(failures).toEqual([]);
    sessions = settled.map((s) => (s as PromiseFulfilledResult<JsonResponse>).value.body);
    for (const body of sessions) expect(typeof body.accessToken).toBe('string');
  });

  it('exits with code 0 within 10 s of the signal, having logged the shutdown and no error', async () => {
    expect(exited).toBeDefined();
    expect(await Promise.race([exited, sleep(10_000).then(() => 'still running 10 s after SIGTERM')])).toBe(0);
    // JSON lines (so the error check below can read levels): the shutdown at info, nothing at error or fatal.
    expect(server.output.some((line) => /"level":30\b.*SIGTERM received/.test(line))).toBe(true);
    expect(server.output.filter((line) => /"level":(50|60)\b/.test(line))).toEqual([]);
  });

  it('had written every session it answered for: a new process on the same data serves them', async () => {
    expect(sessions).toHaveLength(IN_FLIGHT);
    const next = await serve();
    const reads = await Promise.all(sessions.map((body) => call(next.url, 'GET', '/api/me', { token: body.accessToken })));
    expect(reads.map((r) => r.status)).toEqual(Array(IN_FLIGHT).fill(200));
  });
});
