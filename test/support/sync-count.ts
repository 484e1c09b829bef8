import { MessageChannel, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import type { CountAnswer, CountRequest } from './count-worker.js';
import { startTsWorker } from './ts-worker.js';

const TIMEOUT_MS = 15_000;

let worker: Worker | undefined;

/**
 * Counts rows through the store (Kysely on whatever engine the URL names) and returns the number synchronously,
 * as the harness's `count` always has. The query runs in a worker thread while this thread waits on a shared
 * flag: the only way to get a database answer without making every caller await. Reads never block on the
 * server's open transactions (MVCC on PostgreSQL and InnoDB, WAL on SQLite), so waiting cannot deadlock.
 */
export function countRowsSync(url: string, table: string): number {
  const result = ask('count', url, table);
  if (!result.ok) throw new Error(`counting ${table} failed: ${result.message}`);
  return result.count;
}

/** Closes the worker's connection to `url`, so the database can be dropped. */
export function forgetDatabaseSync(url: string): void {
  if (worker !== undefined) ask('close', url, '');
}

function ask(op: CountRequest['op'], url: string, table: string): CountAnswer {
  worker ??= startWorker();
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const request: CountRequest = { op, url, table, port: port2, signal };
  worker.postMessage(request, [port2]);
  try {
    if (Atomics.wait(signal, 0, 0, TIMEOUT_MS) === 'timed-out') throw new Error(`the count worker did not answer within ${TIMEOUT_MS} ms`);
    const received = receiveMessageOnPort(port1);
    if (received === undefined) throw new Error('the count worker woke without an answer');
    return received.message as CountAnswer;
  } finally {
    port1.close();
  }
}

function startWorker(): Worker {
  const started = startTsWorker(new URL('./count-worker.ts', import.meta.url));
  // Test files end without closing it: it must not keep the process alive.
  started.unref();
  return started;
}
