import { randomBytes } from 'node:crypto';
import { createSimulatorState, DEFAULT_SIMULATOR_APP, type SimulatorState, startSimulator } from '../providers/wechat/simulator/index.js';
import type { Config, WechatAppConfig } from './config.js';

/** Simulator mode's WeChat, started before the services are composed so that they are built knowing where it is. */
export interface SimulatedWechat {
  /** The apps served, each with a secret generated for this start: no well-known secret opens anything. */
  apps: WechatAppConfig[];
  /** WeChat's API base for the services: WECHAT_API_BASE when given, else the simulator's own loopback listener. */
  apiBase: string;
  /** The simulator's memory, mounted under /sim too (the playground, `curl $BASE/sim/control/codes`). */
  state: SimulatorState;
  close(): Promise<void>;
}

/** The configured appids (the simulator's default app when none), known to a simulator in this process. */
export async function startSimulatedWechat(config: Config): Promise<SimulatedWechat> {
  const { apps: configured, apiBase } = config.providers.wechat;
  const appids = configured.length > 0 ? configured.map((app) => app.appid) : [DEFAULT_SIMULATOR_APP.appid];
  // 32 hex digits, shaped like an AppSecret.
  const apps = appids.map((appid) => ({ appid, secret: randomBytes(16).toString('hex') }));
  const state = createSimulatorState(apps);
  if (apiBase !== undefined) return { apps, apiBase, state, close: async () => {} };
  const listener = await startSimulator({ state, host: '127.0.0.1', port: 0 });
  return { apps, apiBase: listener.url, state, close: () => listener.close() };
}
