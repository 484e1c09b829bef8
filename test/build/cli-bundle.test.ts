import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli } from '../../scripts/bundle-cli.js';
import { call } from '../support/harness.js';
import { runCli, type ServerProcess, startServerProcess } from '../support/processes.js';
import { useTemporaryDirectory } from '../support/temporary-directory.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The CLI users run is the bundle `npm run build` writes over dist/cli.js (scripts/bundle-cli.ts), not the sources
 * the other suites start through tsx: what bundling can break (a package that finds files beside itself, a
 * require() inside an ES module, the version read from package.json) is tried here on a bundle made the same way,
 * inside the package as the real one is.
 */
describe('the bundled CLI', () => {
  const dir = join(ROOT, 'dist', `.bundle-test-${process.pid}`);
  const entry = join(dir, 'cli.js');
  const data = useTemporaryDirectory('bundle');
  let server: ServerProcess;

  beforeAll(async () => {
    await bundleCli(entry);
    server = await startServerProcess({ NODE_ENV: 'test', DATA_DIR: data.path, LOG_LEVEL: 'info' }, entry);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints its usage', async () => {
    const { code, stdout } = await runCli(['--help'], {}, 30_000, entry);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: weapp-auth <command>/);
  });

  it('logs a user in through the simulator, validating the request and signing a token the JWKS verifies', async () => {
    const minted = await call(server.url, 'POST', '/sim/control/codes');
    const login = await call(server.url, 'POST', '/api/auth/login', { json: { code: minted.body.code } });
    expect(login.status).toBe(200);
    expect(login.body.isNewUser).toBe(true);
    const me = await call(server.url, 'GET', '/api/me', { token: login.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(login.body.user.id);
    const refused = await call(server.url, 'POST', '/api/auth/login', { json: { code: 42 } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('serves the API document with its own version, and the docs page with its assets', async () => {
    const document = await call(server.url, 'GET', '/docs/json');
    expect(document.body.info.version).toBe(VERSION);
    const page = await fetch(`${server.url}/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger');
    const script = await fetch(`${server.url}/docs/static/swagger-ui-bundle.js`);
    expect(script.status).toBe(200);
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });

  it('serves the playground and stops cleanly on SIGTERM', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<!doctype html>');
    expect(await server.stop('SIGTERM')).toBe(0);
  });
});
