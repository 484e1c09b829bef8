/** The simulator's control API, as the benchmark needs it: codes in bulk, latency faults. */
import autocannon from 'autocannon';
import { APP } from './settings.js';

/**
 * Connections minting codes in bulk. Through autocannon, as the loads are: about five times what `fetch` mints, so a
 * supply for a few seconds of the floor's bare login (some 20,000 codes) takes two seconds, not ten.
 */
const MINT_CONNECTIONS = 32;

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
  const failures: string[] = [];
  let claimed = 0;
  await autocannon({
    url: simulatorUrl,
    connections: Math.min(MINT_CONNECTIONS, count),
    amount: count,
    // autocannon notices it is done at its next sample; every second by default, a second lost per supply.
    sampleInt: 100,
    requests: [
      {
        method: 'POST',
        path: '/control/codes',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          const openid = openids[claimed++ % openids.length];
          request.body = JSON.stringify({ appid: APP.appid, ...(openid === undefined ? {} : { openid }) });
          return request;
        },
        onResponse: (status, body) => {
          if (status === 200) codes.push((JSON.parse(body) as { code: string }).code);
          else failures.push(body);
        },
      },
    ],
  });
  if (codes.length < count) throw new Error(`minting ${count} codes gave ${codes.length}: ${failures.slice(0, 3).join('; ')}`);
  return codes;
}
