import { type MessagePort, parentPort } from 'node:worker_threads';
import { type DatabaseHandle, openDatabase } from '../../src/store/sql/database.js';

/** A request from sync-count.ts; the answer goes back on `port` before `signal` wakes the waiting thread. */
export interface CountRequest {
  op: 'count' | 'close';
  url: string;
  table: string;
  port: MessagePort;
  signal: Int32Array;
}

export type CountAnswer = { ok: true; count: number } | { ok: false; message: string };

const handles = new Map<string, DatabaseHandle>();

async function answer(request: CountRequest): Promise<CountAnswer> {
  try {
    if (request.op === 'close') {
      await handles.get(request.url)?.close();
      handles.delete(request.url);
      return { ok: true, count: 0 };
    }
    let handle = handles.get(request.url);
    if (handle === undefined) {
      handle = openDatabase(request.url);
      handles.set(request.url, handle);
    }
    // The table name comes from the harness's typed union, never from outside: dynamic here for Kysely only.
    const row = await handle.db
      .selectFrom(request.table as 'users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { ok: true, count: Number(row.n) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on('message', (request: CountRequest) => {
  void answer(request).then((result) => {
    request.port.postMessage(result);
    Atomics.store(request.signal, 0, 1);
    Atomics.notify(request.signal, 0);
  });
});
