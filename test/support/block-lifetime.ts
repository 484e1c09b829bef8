import { afterAll, beforeAll } from 'vitest';

/**
 * Something the enclosing file or describe block shares: started before its first test, closed after its last.
 * `current()` is the running one (outside the block's tests and hooks there is none, and it throws); `close()` lets a
 * test close it early, and the block then leaves it alone.
 */
export function forTheBlock<T extends { close(): Promise<void> }>(
  what: string,
  start: () => Promise<T>,
): { current(): T; close(): Promise<void> } {
  let running: T | undefined;
  const close = async (): Promise<void> => {
    const closing = running;
    running = undefined;
    await closing?.close();
  };
  beforeAll(async () => {
    running = await start();
  });
  afterAll(close);
  return {
    current(): T {
      if (running === undefined) throw new Error(`${what} runs only in the tests and hooks of the block that declared it`);
      return running;
    },
    close,
  };
}
