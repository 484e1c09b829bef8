/**
 * The PHP, Java, Go and Python verifiers of docs/verify-tokens.md (examples/verify/), built with Debian 12's
 * packages and run as small HTTP servers against tokens from a running weapp-auth server. A toolchain missing on a
 * developer's machine skips its language; in CI (.ci/run installs them all) it fails.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_A, APP_B, call, type Harness, type JsonResponse, startHarness } from '../support/harness.js';
import { unusedPort } from '../support/ports.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { useTemporaryDirectory } from '../support/temporary-directory.js';
import { accessToken } from './helpers.js';

const EXAMPLES = join(import.meta.dirname, '../../examples/verify');
const DOC = join(import.meta.dirname, '../../docs/verify-tokens.md');
const IN_CI = process.env.CI === 'true';
/** What .ci/run installs; named in the skip and failure messages. */
const DEBIAN_PACKAGES =
  'php-cli openjdk-17-jdk-headless libjackson2-databind-java golang-go golang-github-golang-jwt-jwt-dev python3-jwt python3-cryptography';
const GO_JWT = '/usr/share/gocode/src/github.com/golang-jwt/jwt';
const JACKSON = ['jackson-databind', 'jackson-core', 'jackson-annotations'].map((jar) => `/usr/share/java/${jar}.jar`);
/** The verifiers' leeway for exp and iat, and the server's default ACCESS_TOKEN_TTL they are configured with. */
const LEEWAY = 5;
const TTL = 900;

function succeeds(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

function run(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): void {
  const result = spawnSync(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.error ?? ''}${result.stdout}${result.stderr}`);
}

interface Language {
  name: string;
  /** What is missing to build and run it here, or undefined. */
  missing(): string | undefined;
  /** Builds into dir (once) and returns the command that serves GET /whoami on $PORT. */
  build(dir: string): [string, string[]];
}

const LANGUAGES: Language[] = [
  {
    name: 'Python (PyJWT)',
    // Debian's python3 with python3-jwt, not whatever python3 comes first on PATH.
    missing: () =>
      succeeds('/usr/bin/python3', ['-c', 'import jwt, cryptography.hazmat.primitives.asymmetric.ed25519']) ? undefined : 'python3-jwt',
    build: () => ['/usr/bin/python3', [join(EXAMPLES, 'python/server.py')]],
  },
  {
    name: 'Go (golang-jwt v4)',
    missing: () => (!succeeds('go', ['version']) ? 'go' : existsSync(`${GO_JWT}/go.mod`) ? undefined : 'golang-github-golang-jwt-jwt-dev'),
    build: (dir) => {
      // Offline: the module's golang-jwt/jwt/v4 requirement is replaced by Debian's source of it.
      cpSync(join(EXAMPLES, 'go'), dir, { recursive: true });
      const env = { GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local', GOCACHE: join(tmpdir(), 'weapp-auth-go-cache') };
      run('go', ['mod', 'edit', `-replace=github.com/golang-jwt/jwt/v4=${GO_JWT}`], { cwd: dir, env });
      run('go', ['build', '-o', 'demo', './cmd/demo'], { cwd: dir, env });
      return [join(dir, 'demo'), []];
    },
  },
  {
    name: 'Java (java.security Ed25519)',
    missing: () => (!succeeds('javac', ['-version']) ? 'javac' : JACKSON.every((jar) => existsSync(jar)) ? undefined : 'Jackson'),
    build: (dir) => {
      const classpath = [dir, ...JACKSON].join(':');
      run('javac', [
        '-Xlint:all,-serial',
        '-Werror',
        '-d',
        dir,
        '-cp',
        classpath,
        ...['WeappAuthVerifier.java', 'Demo.java'].map((file) => join(EXAMPLES, 'java', file)),
      ]);
      return ['java', ['-cp', classpath, 'Demo']];
    },
  },
  {
    name: 'PHP (sodium)',
    missing: () =>
      succeeds('php', ['-r', 'exit(function_exists("sodium_crypto_sign_verify_detached") ? 0 : 1);']) ? undefined : 'php with sodium',
    build: () => {
      // The ThinkPHP middlewares need ThinkPHP (and one firebase/php-jwt), which Debian does not package: they are only linted.
      for (const file of phpFiles(join(EXAMPLES, 'php'))) run('php', ['-l', file]);
      return ['php', ['-S', '127.0.0.1:$PORT', join(EXAMPLES, 'php/server.php')]];
    },
  },
];

function phpFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.php'))
    .map((file) => join(dir, file));
}

interface Backend {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts an example's server and waits until it answers (a request without a token never fetches the key set). */
async function startBackend(command: [string, string[]], env: Record<string, string>): Promise<Backend> {
  const port = await unusedPort();
  const [program, args] = command;
  const child: ChildProcess = spawn(
    program,
    args.map((arg) => arg.replace('$PORT', String(port))),
    {
      env: { ...process.env, ...env, PORT: String(port), PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const backend: Backend = {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    if (child.exitCode !== null) break;
    if (
      await fetch(`${backend.url}/whoami`).then(
        () => true,
        () => false,
      )
    )
      return backend;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await backend.stop();
  throw new Error(`${program} did not start serving on port ${port}:\n${output}`);
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function part(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The token with one signature byte changed (not the last character, whose low bits are padding). */
function tampered(token: string): string {
  const [header, claims, signature] = token.split('.') as [string, string, string];
  const bytes = Buffer.from(signature, 'base64url');
  bytes.writeUInt8(bytes.readUInt8(10) ^ 0x01, 10);
  return `${header}.${claims}.${bytes.toString('base64url')}`;
}

let h: Harness;
let keySet: Server;
let proxy: TcpProxy;
let good: string;
let testKey: Awaited<ReturnType<typeof generateKeyPair>>;
const refusals: Array<{ name: string; code: string; token?: string; authorization?: string }> = [];

/** A token signed by a test key the served key set also has: a good one but for the claims or typ given. */
function sign(claims: Record<string, unknown>, typ = 'at+jwt'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claimsOf(good), iat: now, exp: now + TTL, ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'test-key', typ })
    .sign(testKey.privateKey);
}

/** A token issued while the server's clock stood `seconds` away from now. */
async function issuedAt(seconds: number): Promise<string> {
  h.advance(seconds);
  try {
    return await accessToken(h);
  } finally {
    h.advance(-seconds);
  }
}

beforeAll(async () => {
  h = await startHarness({ ACCESS_TOKEN_TTL: String(TTL) });
  // The key set the examples fetch: the server's keys plus a test key, which signs tokens differing from a good
  // one in a single claim (the server issues none such), so each check is seen refusing on its own.
  testKey = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const testJwk = { ...(await exportJWK(testKey.publicKey)), kid: 'test-key', alg: 'EdDSA', use: 'sig' };
  keySet = createHttpServer((_request, response) => {
    call(h.server.url, 'GET', '/.well-known/jwks.json').then(
      ({ body }) => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ keys: [...(body as { keys: unknown[] }).keys, testJwk] }));
      },
      () => response.destroy(),
    );
  });
  await new Promise<void>((resolve) => keySet.listen(0, '127.0.0.1', resolve));
  // The examples fetch it through a proxy the tests cut, as an outage of the auth server would.
  proxy = await startTcpProxy((keySet.address() as AddressInfo).port);

  good = await accessToken(h);
  const [header, body] = good.split('.') as [string, string];
  const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid: string };
  const now = Math.floor(Date.now() / 1000);
  const withHeader = (fields: Record<string, unknown>, signature: string): string =>
    `${part({ alg: 'EdDSA', typ: 'at+jwt', kid, ...fields })}.${body}.${signature}`;
  const hs256Header = part({ alg: 'HS256', typ: 'at+jwt', kid });
  const serverKeys = (await call(h.server.url, 'GET', '/.well-known/jwks.json')).body.keys as Array<{ kid: string; x: string }>;
  const { x } = serverKeys.find((key) => key.kid === kid)!;

  refusals.push(
    { name: 'no Authorization header', code: 'TOKEN_MISSING' },
    { name: 'a header that is not Bearer', code: 'TOKEN_INVALID', authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    { name: 'three parts that are not base64url JSON', code: 'TOKEN_INVALID', token: 'abcde.fghij.klmno' },
    { name: 'a tampered signature', code: 'TOKEN_INVALID', token: tampered(good) },
    { name: 'an expired token', code: 'TOKEN_EXPIRED', token: await issuedAt(-(TTL + LEEWAY + 30)) },
    { name: 'a token for another app (wrong audience)', code: 'TOKEN_INVALID', token: await accessToken(h, { appid: APP_B.appid }) },
    { name: 'a token issued in the future', code: 'TOKEN_INVALID', token: await issuedAt(120) },
    { name: 'a kid the key set does not have', code: 'TOKEN_INVALID', token: withHeader({ kid: `${kid}x` }, good.split('.')[2]!) },
    {
      name: 'HS256 keyed with the public key',
      code: 'TOKEN_INVALID',
      token: `${hs256Header}.${body}.${createHmac('sha256', Buffer.from(x, 'base64url')).update(`${hs256Header}.${body}`).digest('base64url')}`,
    },
    { name: 'alg none', code: 'TOKEN_INVALID', token: withHeader({ alg: 'none' }, 'AAAA') },
    { name: 'a validly signed JWT that is not an access token (typ)', code: 'TOKEN_INVALID', token: await sign({}, 'JWT') },
    { name: 'a validly signed token of another issuer', code: 'TOKEN_INVALID', token: await sign({ iss: 'someone-else' }) },
    {
      name: 'a validly signed token living longer than the server issues',
      code: 'TOKEN_INVALID',
      token: await sign({ exp: now + 4 * TTL }),
    },
    { name: 'a validly signed token without a session', code: 'TOKEN_INVALID', token: await sign({ sid: undefined }) },
  );
});

afterAll(async () => {
  await proxy?.close();
  await new Promise((resolve) => keySet?.close(resolve));
  await h?.close();
});

async function whoami(backend: Backend, refusal: { token?: string; authorization?: string } = {}): Promise<JsonResponse> {
  const headers: Record<string, string> = refusal.authorization === undefined ? {} : { authorization: refusal.authorization };
  return call(backend.url, 'GET', '/whoami', { headers, ...(refusal.token === undefined ? {} : { token: refusal.token }) });
}

for (const language of LANGUAGES) {
  const missing = language.missing();
  if (missing !== undefined && !IN_CI) {
    console.warn(`skipping the ${language.name} verifier example: ${missing} is not installed (apt-get install ${DEBIAN_PACKAGES})`);
    describe.skip(`${language.name} verifier example (${missing} not installed)`, () => {
      it('runs against a weapp-auth server', () => {});
    });
    continue;
  }

  describe(`${language.name} verifier example against a running server`, () => {
    if (missing !== undefined) {
      it('has its toolchain in CI', () => {
        throw new Error(`${missing} is not installed: .ci/run must apt-get install ${DEBIAN_PACKAGES}`);
      });
      return;
    }
    const work = useTemporaryDirectory('verify');
    let backend: Backend;

    beforeAll(async () => {
      const dir = work.path;
      backend = await startBackend(language.build(dir), {
        WEAPP_AUTH_JWKS_URL: `http://127.0.0.1:${proxy.port}/.well-known/jwks.json`,
        WEAPP_AUTH_APPID: APP_A.appid,
        WEAPP_AUTH_MAX_LIFETIME: String(TTL),
        WEAPP_AUTH_CACHE_DIR: dir,
      });
    }, 120_000);
    afterAll(async () => {
      await backend?.stop();
    });

    it('answers 503 (not 401) while the key set cannot be fetched, and works once it can', async () => {
      await proxy.cut();
      try {
        const down = await whoami(backend, { token: good });
        expect(down.status, backend.output()).toBe(503);
        expect(down.body).toEqual({ error: { code: 'AUTH_UNAVAILABLE', message: expect.any(String) } });
      } finally {
        await proxy.restore();
      }
      const up = await whoami(backend, { token: good });
      expect(up.status, backend.output()).toBe(200);
    });

    it('accepts a good token and hands on its user, session and app', async () => {
      const response = await whoami(backend, { token: good });
      const { sub, sid } = claimsOf(good);
      expect(response.status, backend.output()).toBe(200);
      expect(response.body).toEqual({ userId: sub, sessionId: sid, appid: APP_A.appid });
      expect((await call(h.server.url, 'GET', '/api/me', { token: good })).body.id).toBe(sub);
      const now = Math.floor(Date.now() / 1000);
      const accepted = {
        'signed by another key of the key set': await sign({}),
        'expired a moment ago, within the leeway': await sign({ iat: now - TTL, exp: now - 1 }),
      };
      for (const [name, token] of Object.entries(accepted)) {
        expect({ name, status: (await whoami(backend, { token })).status }, backend.output()).toEqual({ name, status: 200 });
      }
    });

    it('refuses every bad token with 401 and the server’s error JSON', async () => {
      expect(refusals.length).toBeGreaterThan(0);
      for (const refusal of refusals) {
        const response = await whoami(backend, refusal);
        expect({ name: refusal.name, status: response.status, body: response.body }, backend.output()).toEqual({
          name: refusal.name,
          status: 401,
          body: { error: { code: refusal.code, message: expect.any(String) } },
        });
      }
    });
  });
}

describe('docs/verify-tokens.md', () => {
  const doc = readFileSync(DOC, 'utf8');
  const shown = [...doc.matchAll(/<!-- example: (\S+) -->\n```\w*\n([\s\S]*?)```\n/g)];

  it('shows every verifier exactly as the tested file has it', () => {
    expect(shown.map(([, file]) => file)).toEqual(
      expect.arrayContaining([
        'examples/verify/python/weapp_auth.py',
        'examples/verify/go/weappauth/weappauth.go',
        'examples/verify/java/WeappAuthVerifier.java',
        'examples/verify/php/WeappAuthVerifier.php',
      ]),
    );
    for (const [, file, code] of shown) expect(code, file).toBe(readFileSync(join(EXAMPLES, '../..', file!), 'utf8'));
  });
});
