import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as Sdk from '../../src/client/index.js';
import { useHarness } from '../support/harness.js';
import { fakeWx } from './fake-wx.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const h = useHarness();
let code: string;

beforeAll(async () => {
  // The real build script: what `npm run build` ships as dist/miniprogram/index.js.
  execFileSync('npm', ['run', '--silent', 'build:client'], { cwd: root, stdio: 'pipe' });
  code = readFileSync(`${root}/dist/miniprogram/index.js`, 'utf8');
});

/** Loads the file as the mini program runtime does: a module wrapper, globals limited to what a mini program has. */
function loadInMiniProgram(wx: unknown): { sdk: typeof Sdk; context: object } {
  const context = createContext({ wx, console, setTimeout, clearTimeout, Promise });
  const wrapper = runInContext(`(function (module, exports) {${code}\n})`, context, {
    filename: 'miniprogram_npm/weapp-auth/index.js',
  }) as (module: { exports: object }, exports: object) => void;
  const module = { exports: {} };
  wrapper(module, module.exports);
  return { sdk: module.exports as typeof Sdk, context };
}

describe('the built SDK in a mini-program-like sandbox', () => {
  it('uses nothing from Node or the browser', () => {
    expect(code).not.toMatch(/\brequire\s*\(/);
    expect(code).not.toMatch(/\bprocess\b/);
    expect(code).not.toMatch(/\bBuffer\b/);
    expect(code).not.toMatch(/\bglobalThis\b/);
    expect(code).not.toMatch(/\bfetch\b/);
    // ES2017 syntax only: no optional chaining, nullish coalescing or object spread left for old runtimes.
    expect(code).not.toMatch(/\?\.[A-Za-z_$[(]|\?\?/);
  });

  it('ships its declarations beside it, the contract it shares with the server included', () => {
    const dist = `${root}/dist/miniprogram`;
    expect(readFileSync(`${dist}/index.d.ts`, 'utf8')).toContain('export * from "./client/index.js"');
    expect(readFileSync(`${dist}/client/types.d.ts`, 'utf8')).toContain("from '../contract/api.js'");
    expect(existsSync(`${dist}/contract/api.d.ts`)).toBe(true);
  });

  it('loads with only wx and the timer globals, and logs in and calls the API against a running server', async () => {
    const wx = fakeWx(h.simulator.url);
    const { sdk, context } = loadInMiniProgram(wx);
    expect(runInContext('typeof require + typeof process + typeof Buffer + typeof fetch', context)).toBe(
      'undefinedundefinedundefinedundefined',
    );

    const client = sdk.createAuthClient({ platform: wx, baseUrl: h.server.url });
    const me = await client.request<{ id: string; phoneBound: boolean }>({ url: '/api/me' });
    expect(me.phoneBound).toBe(false);
    expect(wx.logins).toBe(1);
    const denied = await client.getPhoneNumber({ errMsg: 'getPhoneNumber:fail user deny' }).catch((e: unknown) => e);
    expect((denied as { code: string }).code).toBe('PHONE_DENIED');
  });
});
