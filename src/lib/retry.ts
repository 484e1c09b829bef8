import { setTimeout as sleep } from 'node:timers/promises';

const BACKOFF_BASE_MS = 100;

/**
 * Runs `attempt` again, with exponential backoff and jitter, while it throws what `isBusy` calls transient (a
 * platform's documented "busy, try later" answer), at most `retries` more times; any other error passes at once.
 */
export async function retryWhileBusy<T>(
  retries: number,
  isBusy: (error: unknown) => boolean,
  attempt: (n: number) => Promise<T>,
): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!isBusy(error) || n > retries) throw error;
      const delay = BACKOFF_BASE_MS * 2 ** (n - 1);
      await sleep(delay / 2 + Math.random() * delay);
    }
  }
}
