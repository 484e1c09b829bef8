import { AlipayApi, type AlipayTransport } from '../../src/providers/alipay/api/alipay-api.js';
import {
  type AlipayIdMode,
  type AlipayMiniProgramApp,
  AlipayMiniProgramProvider,
} from '../../src/providers/alipay/miniprogram/provider.js';
import {
  generateRsaKeyPair,
  type RunningAlipaySimulator,
  type SimIdMode,
  startAlipaySimulator,
} from '../../src/providers/alipay/simulator/index.js';

export const ALIPAY_APP_A = '2021000000000001';
export const ALIPAY_APP_B = '2021000000000002';

/** The Alipay simulator with two apps, and the server-side credentials a deployment would hold for each. */
export async function alipayPlatform(modes: Record<string, SimIdMode> = { [ALIPAY_APP_A]: 'open_id', [ALIPAY_APP_B]: 'open_id' }): Promise<{
  simulator: RunningAlipaySimulator;
  apps: AlipayMiniProgramApp[];
  provider(options?: Partial<AlipayTransport> & { idModes?: Record<string, AlipayIdMode> }): AlipayMiniProgramProvider;
}> {
  const keys = Object.keys(modes).map((appid) => ({ appid, keys: generateRsaKeyPair() }));
  const simulator = await startAlipaySimulator({
    apps: keys.map(({ appid, keys: pair }) => ({ appid, appPublicKey: pair.publicKey, idMode: modes[appid] })),
  });
  const apps = keys.map(({ appid, keys: pair }): AlipayMiniProgramApp => {
    const sim = simulator.state.apps.get(appid);
    if (sim === undefined) throw new Error(appid);
    const mode = modes[appid] === 'user_id' ? 'user_id' : 'open_id';
    return { appid, privateKey: pair.privateKey, alipayPublicKey: sim.alipayKeys.publicKey, encryptKey: sim.encryptKey, idMode: mode };
  });
  return {
    simulator,
    apps,
    provider: (options = {}) => {
      const { idModes = {}, ...transport } = options;
      const alipay = new AlipayApi({ gateway: `${simulator.url}/gateway.do`, timeoutMs: 2_000, retries: 1, ...transport }, apps);
      return new AlipayMiniProgramProvider({ alipay, apps: apps.map((app) => ({ ...app, idMode: idModes[app.appid] ?? app.idMode })) });
    },
  };
}

/** POST to the simulator's control API. */
export async function control<T = Record<string, string>>(simulator: RunningAlipaySimulator, path: string, body: object): Promise<T> {
  const response = await fetch(`${simulator.url}/control${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? {} : await response.json()) as T;
}
