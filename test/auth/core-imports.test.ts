import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The identity core knows no platform: none of its modules imports src/wechat (or a module that does). WeChat's
 * extra capabilities (session keys, encrypted data, phone numbers, its error mapping) still live in src/auth until
 * they move beside their provider; they are not part of this list.
 */
const CORE = [
  'access-tokens',
  'accounts',
  'audit',
  'clock',
  'identity-provider',
  'login',
  'profile',
  'rate-limiter',
  'refresh-token-format',
  'sessions',
  'shared-flight',
  'signing-keys',
];

function platformImports(name: string): string[] {
  const source = readFileSync(new URL(`../../src/auth/${name}.ts`, import.meta.url), 'utf8');
  const imports = [...source.matchAll(/^import[^;]*?from '([^']+)'/gms)].map((match) => match[1] ?? '');
  return imports.filter((path) => path.includes('/wechat/') || /\/(session-keys|encrypted-data|phone|wechat-failure)\.js$/.test(path));
}

describe('the identity core', () => {
  it.each(CORE)('src/auth/%s.ts imports nothing platform-specific', (name) => {
    expect(platformImports(name)).toStrictEqual([]);
  });

  it('is told apart from WeChat’s capabilities by this check', () => {
    expect(platformImports('session-keys')).toContain('../wechat/client.js');
  });
});
