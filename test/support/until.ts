import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves once `ready()` holds, polling; fails the test at the deadline rather than hanging it. */
export async function until(what: string, ready: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
