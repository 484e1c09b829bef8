import type { SessionCheck } from '../../src/verify/index.js';
import { call, loginAs, type Harness } from '../support/harness.js';

export async function accessToken(h: Harness, user: { appid?: string } = {}): Promise<string> {
  const { response } = await loginAs(h, user);
  if (response.status !== 200) throw new Error(`login failed: ${JSON.stringify(response.body)}`);
  return response.body.accessToken as string;
}

export function jwksUrl(h: Harness): string {
  return `${h.server.url}/.well-known/jwks.json`;
}

/**
 * A session check through an existing guarded route, counting its calls. Works today; the introspection
 * endpoint proposed in docs/verify-tokens.md would do the same with less work on the server.
 */
export function sessionCheckViaMe(h: Harness): SessionCheck & { calls: number } {
  const check = Object.assign(
    async (_auth: unknown, token: string): Promise<boolean> => {
      check.calls += 1;
      const response = await call(h.server.url, 'GET', '/api/me', { token });
      if (response.status === 200) return true;
      if (['SESSION_REVOKED', 'SESSION_EXPIRED'].includes(response.body?.error?.code)) return false;
      throw new Error(`session check failed: ${response.status}`);
    },
    { calls: 0 },
  );
  return check;
}
