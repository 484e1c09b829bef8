import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIMULATOR_APP } from '../../src/providers/wechat/simulator/index.js';
import { finished, spawnTypeScript, type TypeScriptProcess } from '../support/processes.js';

const RUNNER = fileURLToPath(new URL('./fixtures/run-command.ts', import.meta.url));

function run(args: string[]): TypeScriptProcess {
  return spawnTypeScript(RUNNER, args);
}

/** Resolves with stdout so far once the simulator has announced its URL. */
async function listening(child: TypeScriptProcess): Promise<string> {
  let stdout = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('apps:')) resolve(stdout);
    });
    child.on('close', (code) => reject(new Error(`exited early with ${code}: ${stdout}`)));
  });
}

describe('weapp-auth simulator (command)', () => {
  it('serves the given apps, never prints their secrets, and stops cleanly on SIGTERM', async () => {
    const child = run(['--port', '0', '--app', 'wx0123456789abcdef:its-secret', '--app', 'wxfedcba9876543210:other:secret']);
    const done = finished(child);
    const banner = await listening(child);
    expect(banner).toContain('wx0123456789abcdef');
    expect(banner).toContain('wxfedcba9876543210');
    expect(banner).not.toContain('its-secret');
    expect(banner).not.toContain('other:secret');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
    const query = new URLSearchParams({ grant_type: 'client_credential', appid: 'wxfedcba9876543210', secret: 'other:secret' });
    const answer = (await (await fetch(`${url}/cgi-bin/token?${query.toString()}`)).json()) as { expires_in: number };
    expect(answer.expires_in).toBe(7200);
    child.kill('SIGTERM');
    const { code, stdout, stderr } = await done;
    expect(code).toBe(0);
    expect(stdout).toContain('stopped');
    // Requests carried the secret in their URL; nothing may have logged it.
    expect(stdout + stderr).not.toContain('other:secret');
  });

  it('announces the default app with its public credentials when no --app is given; stops on SIGINT', async () => {
    const child = run(['--port', '0']);
    const done = finished(child);
    const banner = await listening(child);
    expect(banner).toContain(`${DEFAULT_SIMULATOR_APP.appid} secret ${DEFAULT_SIMULATOR_APP.secret}`);
    child.kill('SIGINT');
    expect((await done).code).toBe(0);
  });

  it.each([
    [['--port', 'http'], '--port'],
    [['--port', '70000'], '--port'],
    [['--app', 'wx0123456789abcdef'], 'appid:secret'],
    [['--app', 'notanappid:secret'], 'invalid appid'],
    [['--app', 'wx0123456789abcdef:a', '--app', 'wx0123456789abcdef:b'], 'configured twice'],
    [['--verbose'], 'verbose'],
    [['extra'], 'unexpected argument'],
  ])('refuses %j with exit code 2 and a message naming the problem', async (args, message) => {
    const { code, stderr } = await finished(run(args));
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain('usage: weapp-auth simulator');
  });
});
