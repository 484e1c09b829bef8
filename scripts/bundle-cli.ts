/**
 * `weapp-auth` as one file: the CLI and every dependency it loads at start-up, bundled by esbuild into dist/cli.js
 * (over the file tsc wrote there), so `weapp-auth serve` starts in about two thirds of the time and keeps about
 * 13 MiB less at rest (BENCHMARKS.md): Node no longer resolves, reads and links a thousand modules one by one.
 * Packages stay outside when bundling would break them or gain nothing: better-sqlite3 (a native addon), pino (its
 * transports run files of their own in worker threads), @fastify/swagger-ui (it serves files from its own folder),
 * and the ones loaded only when configured (`lib/optional-module.ts`). The library entry (dist/index.js) is not
 * bundled: an application that embeds weapp-auth bundles it as it likes.
 *
 * `npx tsx scripts/bundle-cli.ts [outfile]`; dist/cli.js by default.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const UNBUNDLED = [
  'better-sqlite3',
  'pino',
  'pino-pretty',
  '@fastify/swagger-ui',
  'pg',
  'mysql2',
  'ioredis',
  'alipay-sdk',
] as const;

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function bundleCli(outfile: string): Promise<void> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['src/cli.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: [...UNBUNDLED],
    // The CommonJS packages inside call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    sourcemap: 'linked',
    // No comments in the file: one of them in Chinese would make V8 hold the whole 3 MB source as UTF-16, twice the
    // memory. The licences of the bundled packages go beside it, in dist/cli.js.LEGAL.txt. Identifiers are kept as
    // written, for readable stack traces (`node --enable-source-maps` maps them to the sources).
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundleCli(process.argv[2] ?? 'dist/cli.js');
}
