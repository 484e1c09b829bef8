import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

/** A new, empty directory under the system's temporary one, named `weapp-auth-<purpose>-…` so a leftover says whose it is. */
export function temporaryDirectory(purpose: string): string {
  return mkdtempSync(join(tmpdir(), `weapp-auth-${purpose}-`));
}

/** Removes a directory and everything in it; nothing if it is gone already. */
export function removeDirectory(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs `body` with a new temporary directory, removed afterwards whether it succeeded or not. */
export async function withTemporaryDirectory<T>(purpose: string, body: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = temporaryDirectory(purpose);
  try {
    return await body(dir);
  } finally {
    removeDirectory(dir);
  }
}

/**
 * A temporary directory for the enclosing file or describe block: made before its first test and removed after its
 * last (per `test`: a new one for each test). Hooks declared after this one run inside its lifetime.
 */
export function useTemporaryDirectory(purpose: string, per: 'block' | 'test' = 'block'): { readonly path: string } {
  let dir: string | undefined;
  const [before, after] = per === 'block' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  before(() => {
    dir = temporaryDirectory(purpose);
  });
  after(() => {
    if (dir !== undefined) removeDirectory(dir);
    dir = undefined;
  });
  return {
    get path(): string {
      if (dir === undefined) throw new Error(`the ${purpose} directory exists only inside the tests and hooks of its block`);
      return dir;
    },
  };
}
