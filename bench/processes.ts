/**
 * Every process under test runs as a child of its own: its RSS and CPU are its own, and the load generator (this
 * process) never shares its event loop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Service {
  name: string;
  pid: number;
  url: string;
  /** Spawn → first 200 from the readiness path, ms. */
  startupMs: number;
  stop(): Promise<void>;
}

export interface ServiceSpec {
  name: string;
  /** Arguments to `node`. */
  args: string[];
  env: Record<string, string>;
  /** Answers 200 once the service can take load. */
  readyPath: string;
  /** The port is picked here, so readiness can be polled from the moment of spawn. */
  port: number;
}

const READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 5;
/** Lines of a child's output kept to explain a failure. */
const OUTPUT_TAIL = 40;

/** A free loopback port. Another process could take it before the child binds it; on this machine that is rare enough. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function startService(spec: ServiceSpec): Promise<Service> {
  const started = performance.now();
  const child = spawn(process.execPath, spec.args, {
    env: { PATH: process.env.PATH ?? '', ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = keepTail(child);
  const url = `http://127.0.0.1:${spec.port}`;
  try {
    await waitReady(child, `${url}${spec.readyPath}`);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${spec.name} did not start: ${(error as Error).message}\n${output.join('\n')}`);
  }
  const startupMs = performance.now() - started;
  if (child.pid === undefined) throw new Error(`${spec.name} has no pid`);
  return { name: spec.name, pid: child.pid, url, startupMs, stop: () => stopChild(child) };
}

async function waitReady(child: ChildProcess, readyUrl: string): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      const response = await fetch(readyUrl);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(READY_POLL_MS);
  }
  throw new Error(`no 200 from ${readyUrl} within ${READY_TIMEOUT_MS} ms`);
}

function keepTail(child: ChildProcess): string[] {
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== ''),
    );
    lines.splice(0, Math.max(0, lines.length - OUTPUT_TAIL));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return lines;
}

/** SIGTERM (the server finishes in-flight requests and closes its pools), SIGKILL if it lingers. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
