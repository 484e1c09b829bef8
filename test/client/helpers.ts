import { type AuthClient, type AuthClientOptions, createAuthClient } from '../../src/client/index.js';
import { call, type Harness } from '../support/harness.js';
import type { FakeWx } from './fake-wx.js';

export const STORAGE_KEY = 'weapp-auth:tokens';

export function clientFor(h: Harness, wx: FakeWx, options: Partial<AuthClientOptions> = {}): AuthClient {
  return createAuthClient({ platform: wx, baseUrl: h.server.url, ...options });
}

export function storedAccessToken(wx: FakeWx): string {
  const stored = wx.storage.get(STORAGE_KEY) as { accessToken?: string } | undefined;
  if (stored?.accessToken === undefined) throw new Error('no tokens stored');
  return stored.accessToken;
}

/** Ends the session behind the stored tokens straight at the server, as a logout on another device would. */
export async function revokeStoredSession(h: Harness, wx: FakeWx): Promise<void> {
  const response = await call(h.server.url, 'POST', '/api/auth/logout', { token: storedAccessToken(wx) });
  if (response.status !== 204) throw new Error(`logout failed: ${response.status}`);
}

export function parallel<T>(n: number, task: () => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, task));
}
