/** The simulator's control API, as the benchmark needs it: codes in bulk, latency faults. */
import { APP } from './settings.js';

/** Parallel minting calls: enough to keep the simulator busy without queueing thousands of sockets. */
const MINT_CONCURRENCY = 64;

export async function mintCode(simulatorUrl: string): Promise<string> {
  const response = await fetch(`${simulatorUrl}/control/codes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appid: APP.appid }),
  });
  const body = (await response.json()) as { code?: string };
  if (response.status !== 200 || body.code === undefined) throw new Error(`minting a code failed: ${JSON.stringify(body)}`);
  return body.code;
}

/** `count` wx.login codes for new users. Minted before the load starts, so minting never competes with it. */
export async function mintCodes(simulatorUrl: string, count: number): Promise<string[]> {
  const codes: string[] = [];
  let claimed = 0;
  const worker = async (): Promise<void> => {
    while (claimed < count) {
      claimed += 1;
      codes.push(await mintCode(simulatorUrl));
    }
  };
  await Promise.all(Array.from({ length: Math.min(MINT_CONCURRENCY, count) }, worker));
  return codes;
}

/** The simulator takes at most this many `times` per fault; more calls need more faults queued. */
const MAX_FAULT_TIMES = 10_000;

/** The next `calls` jscode2session calls answer after `delayMs`; `delayMs` 0 only clears earlier faults. */
export async function setExchangeDelay(simulatorUrl: string, delayMs: number, calls = 0): Promise<void> {
  const cleared = await fetch(`${simulatorUrl}/control/faults`, { method: 'DELETE' });
  if (cleared.status !== 204) throw new Error(`clearing faults failed: ${cleared.status}`);
  for (let left = delayMs === 0 ? 0 : calls; left > 0; left -= MAX_FAULT_TIMES) {
    const response = await fetch(`${simulatorUrl}/control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api: 'jscode2session', delayMs, times: Math.min(left, MAX_FAULT_TIMES) }),
    });
    if (response.status !== 204) throw new Error(`injecting the delay failed: ${response.status} ${await response.text()}`);
  }
}
