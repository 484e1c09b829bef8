import { generateKeyPairSync } from 'node:crypto';

/** Two Douyin apps of one developer, and the RSA pair whose public half their console holds. */
export const DOUYIN_APP_A = { appid: 'tt0000000000000a01', secret: 'a1'.repeat(16) };
export const DOUYIN_APP_B = { appid: 'tt0000000000000b02', secret: 'b2'.repeat(16) };

export function phoneKeyPair(): { publicKey: string; privateKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** POST to a simulator's control API; throws on a non-2xx answer. */
export async function douyinControl<T>(base: string, path: string, body: object): Promise<T> {
  const response = await fetch(`${base}/control${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${path}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}
