/**
 * Files at rest readable by their owner only. The SQLite file holds users' phone numbers and sealed session keys,
 * the generated key unseals them: other accounts on the machine must not read either. POSIX modes only; Windows
 * has no equivalent here and is left to its ACLs.
 */
import { chmodSync, closeSync, mkdirSync, openSync, type Stats, statSync } from 'node:fs';

const CHECKS_MODES = process.platform !== 'win32';

/** Creates the directory (and missing parents) as 0700. An existing one is left as it is: it may be shared. */
export function privateDirectory(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
}

/**
 * Creates the file empty as 0600 when missing, and takes group and other access off an existing one this process
 * owns (an older release made them 0644). A file owned by another account is left to that account.
 */
export function privateFile(path: string, create: boolean): void {
  if (create) createIfMissing(path);
  if (!CHECKS_MODES) return;
  const stat = statOrUndefined(path);
  if (stat !== undefined && (stat.mode & 0o077) !== 0 && stat.uid === process.getuid?.()) chmodSync(path, stat.mode & 0o700);
}

/** The file's permission bits when group or others may access it (e.g. 0o644); undefined when private or absent. */
export function openToOthers(path: string): number | undefined {
  if (!CHECKS_MODES) return undefined;
  const mode = statOrUndefined(path)?.mode;
  return mode === undefined || (mode & 0o077) === 0 ? undefined : mode & 0o777;
}

function createIfMissing(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
