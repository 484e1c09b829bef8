import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
/** What the core must not reach: a provider, the HTTP layer, the composition, or Fastify itself. */
const ABOVE_CORE = ['providers/', 'http/', 'server/', 'admin/', 'playground/'];

/** The imports of `file` (relative to src/) that reach above the core: src-relative paths, or a package name. */
function importsAboveCore(file: string): string[] {
  const source = readFileSync(join(SRC, file), 'utf8');
  const specifiers = [...source.matchAll(/^(?:import|export)[^;]*?from '([^']+)'/gms)].map((match) => match[1] ?? '');
  return specifiers
    .map((specifier) => (specifier.startsWith('.') ? relative(SRC, resolve(dirname(join(SRC, file)), specifier)) : specifier))
    .filter((target) => target === 'fastify' || ABOVE_CORE.some((layer) => target.startsWith(layer)));
}

const CORE_FILES = readdirSync(join(SRC, 'core'), { recursive: true })
  .map(String)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => `core/${name}`);

/** The identity core knows no provider and no HTTP (docs/architecture.md, the layer rule). */
describe('the identity core', () => {
  it('has modules to check', () => {
    expect(CORE_FILES).toContain('core/login.ts');
    expect(CORE_FILES).toContain('core/tokens/access-tokens.ts');
  });

  it.each(CORE_FILES)('src/%s imports nothing from providers/, http/, server/ or Fastify', (file) => {
    expect(importsAboveCore(file)).toStrictEqual([]);
  });

  it('is told apart from the layers above it by this check', () => {
    expect(importsAboveCore('server/compose.ts')).toContain('providers/wechat/api/wechat-api.js');
    expect(importsAboveCore('http/app.ts')).toContain('fastify');
  });
});
