import { expect } from 'vitest';

/**
 * What `promise` rejects with, for assertions on the error itself; fails the test if it resolves. With `type`, the
 * rejection must also be an instance of it, and comes typed as one.
 */
export async function rejectionOf<T = unknown>(promise: Promise<unknown>, type?: abstract new (...args: never[]) => T): Promise<T> {
  const error = await promise.then(
    () => expect.fail('expected a rejection'),
    (thrown: unknown) => thrown,
  );
  if (type !== undefined) expect(error).toBeInstanceOf(type);
  return error as T;
}
