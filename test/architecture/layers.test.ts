import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The import rules docs/architecture.md states, checked against the code: each layer imports only the layers below
 * it, and no two files import each other, however indirectly. A new import that breaks a rule fails here with the
 * file and the import named.
 */
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** What each layer may import besides itself. `contract` is the floor: the server, the SDK and the verifier share it. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  contract: [],
  lib: ['contract'],
  store: ['lib', 'contract'],
  core: ['store', 'lib', 'contract'],
  providers: ['core', 'store', 'lib', 'contract'],
  // A platform's simulator is a server of its own, standing in for the platform: it shares only its provider's wire
  // types (see sharesWireTypes) and may use Fastify.
  simulator: ['lib', 'contract'],
  observability: ['lib', 'contract'],
  http: ['core', 'providers', 'observability', 'lib', 'contract'],
  playground: ['lib', 'contract'],
  server: ['http', 'core', 'providers', 'simulator', 'store', 'observability', 'playground', 'lib', 'contract'],
  admin: ['server', 'core', 'providers', 'store', 'observability', 'lib', 'contract'],
  cli: ['admin', 'server', 'http', 'core', 'providers', 'simulator', 'store', 'observability', 'lib', 'contract'],
  index: ['server', 'http', 'core', 'providers', 'simulator', 'store', 'observability', 'lib', 'contract'],
  client: ['contract'],
  verify: ['contract'],
};

/** Packages a layer must not reach for, whatever it imports of ours: Fastify stays in http/ and above. */
const FORBIDDEN_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  contract: ['*'],
  lib: ['fastify', 'kysely'],
  store: ['fastify'],
  core: ['fastify'],
  providers: ['fastify', 'kysely'],
  client: ['*'],
  // The verifier's Fastify adapter (verify/fastify.ts) types its hook with Fastify's own types: that one is allowed.
  verify: ['kysely', 'pino'],
};

interface Import {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'static' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * A file's layer: its first folder under src/ (a provider's simulator/ and the simulators' shared kit apart), or its
 * own name at the root.
 */
function layerOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  if (parts[0] === 'providers' && (parts[2] === 'simulator' || parts[1] === 'simulator-kit')) return 'simulator';
  const [first = '', second] = parts;
  return second === undefined ? first.replace(/\.ts$/, '') : first;
}

/** A simulator may read its own provider's wire types (paths, shapes, error codes), and nothing else of it. */
function sharesWireTypes(from: string, to: string): boolean {
  const [, provider] = relative(SRC, from).split('/');
  return layerOf(from) === 'simulator' && relative(SRC, to) === `providers/${provider}/api/wire.ts`;
}

const files = sourceFiles(SRC);
const specifiers = new Map(
  files.map((file) => {
    // Static imports and re-exports, type-only ones included: a type import ties two layers just the same.
    const found = [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms)].map(
      (match) => match[1] ?? '',
    );
    return [file, found] as const;
  }),
);
const ownImports: Import[] = [...specifiers].flatMap(([from, found]) =>
  found.filter((spec) => spec.startsWith('.')).map((spec) => ({ from, to: normalize(join(dirname(from), spec)).replace(/\.js$/, '.ts') })),
);

describe('the layers', () => {
  it('import only the layers below them', () => {
    const broken = ownImports
      .filter(({ from, to }) => layerOf(from) !== layerOf(to) && !(MAY_IMPORT[layerOf(from)] ?? []).includes(layerOf(to)))
      .filter(({ from, to }) => !sharesWireTypes(from, to))
      .map(({ from, to }) => `${relative(SRC, from)} → ${relative(SRC, to)}`);
    expect(broken).toEqual([]);
  });

  it('knows every layer', () => {
    expect([...new Set(files.map(layerOf))].filter((layer) => MAY_IMPORT[layer] === undefined)).toEqual([]);
  });

  it('keep Fastify, SQL and logging where they belong; the contract and the SDK depend on nothing', () => {
    const broken = [...specifiers].flatMap(([file, found]) => {
      const forbidden = FORBIDDEN_PACKAGES[layerOf(file)] ?? [];
      return found
        .filter((spec) => !spec.startsWith('.'))
        .filter((spec) => forbidden.includes('*') || forbidden.some((name) => spec === name || spec.startsWith(`${name}/`)))
        .map((spec) => `${relative(SRC, file)} imports ${spec}`);
    });
    expect(broken).toEqual([]);
  });

  it('the core knows no provider: no provider id appears in its code', () => {
    const core = files.filter((file) => layerOf(file) === 'core');
    const naming = core.filter((file) =>
      /\bwechat\b|\bweixin\b|\bunionid\b|\bopenid\b/i.test(readFileSync(file, 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '')),
    );
    expect(naming.map((file) => relative(SRC, file))).toEqual([]);
  });
});

describe('the files', () => {
  it('import each other in no circle', () => {
    const edges = new Map<string, string[]>();
    for (const { from, to } of ownImports) edges.set(from, [...(edges.get(from) ?? []), to]);
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        circles.push([...path.slice(path.indexOf(file)), file].map((step) => relative(SRC, step)).join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of edges.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(circles).toEqual([]);
  });
});
