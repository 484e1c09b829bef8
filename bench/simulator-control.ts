/** The simulator's control API, as the benchmark needs it: codes in bulk, latency faults. */
import { APP } from './settings.js';

/** Parallel minting calls: enough to keep the simulator busy without queueing thousands of sockets. */
const MINT_CONCURRENCY = 64;

/** A wx.login code: for a new user, or for the user `openid` names (a returning login). */
export async function mintCode(simulatorUrl: string, openid?: string): Promise<{ code: string; openid: string }> {
  const response = await fetch(`${simulatorUrl}/control/codes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appid: APP.appid, ...(openid === undefined ? {} : { openid }) }),
  });
  const body = (await response.json()) as { code?: string; openid?: string };
  if (response.status !== 200 || body.code === undefined || body.openid === undefined) {
    throw new Error(`minting a code failed: ${JSON.stringify(body)}`);
  }
  return { code: body.code, openid: body.openid };
}

/**
 * `count` wx.login codes: for new users, or for the users `openids` name, in turn. Minted before the load starts,
 * so minting never competes with it.
 */
export async function mintCodes(simulatorUrl: string, count: number, openids: readonly string[] = []): Promise<string[]> {
  const codes: string[] = [];
  let claimed = 0;
  const worker = async (): Promise<void> => {
    while (claimed < count) {
      const openid = openids[claimed % openids.length];
      claimed += 1;
      codes.push((await mintCode(simulatorUrl, openid)).code);
    }
  };
  await Promise.all(Array.from({ length: Math.min(MINT_CONCURRENCY, count) }, worker));
  return codes;
}
