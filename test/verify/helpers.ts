import { introspectSession, type SessionCheck, type VerifiedAuth } from '../../src/verify/index.js';
import { BACKEND, type Harness, tokensFor } from '../support/harness.js';

export async function accessToken(h: Harness, user: { appid?: string } = {}): Promise<string> {
  return (await tokensFor(h, user)).accessToken;
}

export function jwksUrl(h: Harness): string {
  return `${h.server.url}/.well-known/jwks.json`;
}

/** The server's introspection as a session check, counting how often it really asks. */
export function countedIntrospection(h: Harness): SessionCheck & { calls: number } {
  const ask = introspectSession(h.server.url, BACKEND);
  const check = Object.assign(
    async (auth: VerifiedAuth, token: string): Promise<boolean> => {
      check.calls += 1;
      return ask(auth, token);
    },
    { calls: 0 },
  );
  return check;
}
