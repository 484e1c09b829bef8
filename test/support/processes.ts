import { type ChildProcess, type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Every line the process wrote, for diagnosis and for log assertions. */
  output: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A child running TypeScript as it is (through tsx, so no build step), from the repository's root. */
export type TypeScriptProcess = ChildProcessByStdio<null, Readable, Readable>;

/** `node <argv>` from the repository's root; `env`, when given, is all the environment the child gets. */
function spawnNode(argv: string[], env?: Record<string, string>): TypeScriptProcess {
  return spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `node --import tsx <script> <args>`; `env`, when given, is all the environment the child gets. */
export function spawnTypeScript(script: string, args: string[], env?: Record<string, string>): TypeScriptProcess {
  return spawnNode(['--import', 'tsx', script, ...args], env);
}

/**
 * `weapp-auth <args>` as an operator runs it, in an environment of its own: the sources through tsx, or `entry`, a
 * built CLI, with plain node.
 */
function spawnCli(args: string[], env: Record<string, string>, entry?: string): TypeScriptProcess {
  const environment = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'info', ...env };
  return entry === undefined ? spawnTypeScript('src/cli.ts', args, environment) : spawnNode([entry, ...args], environment);
}

/** Waits for a child to end (killed after `timeoutMs`): its exit code and everything it wrote. */
export async function finished(
  child: TypeScriptProcess,
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Runs a CLI command to its end (killed after `timeoutMs`): its exit code and what it wrote. */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 30_000, entry?: string): ReturnType<typeof finished> {
  return finished(spawnCli(args, env, entry), timeoutMs);
}

/**
 * Starts `weapp-auth serve` as its own process, exactly as an operator would, and resolves once it logs the
 * address it listens on.
 */
export async function startServerProcess(env: Record<string, string>, entry?: string): Promise<ServerProcess> {
  const child = spawnCli(['serve'], env, entry);
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output.join('\n')}`)), 30_000);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        const match = /weapp-auth listening on (http:\/\/[^\s"]+)/.exec(line);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    }
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output.join('\n')}`));
    });
  });
  return {
    url,
    child,
    output,
    async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
