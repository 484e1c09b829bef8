import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { call, useHarness } from '../support/harness.js';

const h = useHarness();

/** `METHOD /path` for every row of README's API table; a row may name a second method: "(or `PUT`…)". */
function readmeRoutes(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## HTTP API'), readme.indexOf('\n## ', readme.indexOf('## HTTP API') + 1));
  const routes: string[] = [];
  for (const [, method, path, alternative] of section.matchAll(/^\| `([A-Z]+) (\/[^`]*)`(?: \(or `([A-Z]+)`)?/gm)) {
    routes.push(`${method} ${path}`);
    if (alternative !== undefined) routes.push(`${alternative} ${path}`);
  }
  return routes.filter((route) => !route.includes('/sim/')).sort();
}

describe('OpenAPI', () => {
  it('is a valid OpenAPI 3 document', async () => {
    const document = (await call(h.server.url, 'GET', '/docs/json')).body;
    expect(document.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
  });

  it('lists every route of README’s API table, and nothing of the simulator', async () => {
    const document = (await call(h.server.url, 'GET', '/docs/json')).body;
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(readmeRoutes());
    expect(documented.length).toBeGreaterThan(14);
  });

  it('marks guarded routes as needing the bearer token and documents the error body', async () => {
    const document = (await call(h.server.url, 'GET', '/docs/json')).body;
    expect(document.paths['/api/me'].get.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/api/auth/login'].post.security).toBeUndefined();
    expect(
      document.paths['/api/auth/login'].post.responses['4XX'] ?? document.paths['/api/auth/login'].post.responses['4xx'],
    ).toBeDefined();
  });

  it('serves the interactive page at /docs, under a content security policy', async () => {
    const page = await fetch(`${h.server.url}/docs/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await page.text()).toContain('swagger');
  });

  it('serves the page’s assets, revalidated as 304, with the server’s request id; an unknown path is its usual 404', async () => {
    const asset = await fetch(`${h.server.url}/docs/static/index.css`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/css/);
    expect(asset.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const etag = asset.headers.get('etag');
    expect(etag).not.toBeNull();
    const again = await fetch(`${h.server.url}/docs/static/index.css`, { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
    const missing = await call(h.server.url, 'GET', '/docs/static/nothing-here.js');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });
});
