/** The Kuaishou mini program API simulator: code2session with Kuaishou's form body and `result` answers. */
import { randomBytes } from 'node:crypto';
import { randomText } from '../../code2session/simulator/code-store.js';
import { wechatShapedPhoneData } from '../../code2session/simulator/phone-data.js';
import {
  authenticate,
  type CallParams,
  PlatformRefusal,
  type PlatformSimState,
  platformSimulator,
  type SimApp,
  type SimulatorSpec,
} from '../../code2session/simulator/platform-simulator.js';
import { KUAISHOU_CODE2SESSION, KUAISHOU_RESULT, type KuaishouErrorResponse, type KuaishouSessionResponse } from '../api/wire.js';

/** Public and obviously fake. Kuaishou app ids are 'ks' and digits. */
export const DEFAULT_KUAISHOU_APP: SimApp = Object.freeze({ appid: 'ks000000000000000000', secret: 'kuaishou-simulator-secret' });

const MESSAGES: Readonly<Record<string, string>> = {
  [KUAISHOU_RESULT.INVALID_PARAMS]: 'invalid params',
  [KUAISHOU_RESULT.INVALID_CREDENTIALS]: 'app_id or app_secret invalid',
};

function code2Session(params: CallParams, state: PlatformSimState): KuaishouSessionResponse {
  const { app_id: appid, app_secret: secret, js_code: code } = params;
  if (!appid || !secret || !code) throw new PlatformRefusal(String(KUAISHOU_RESULT.INVALID_PARAMS));
  if (authenticate(state, appid, secret) !== 'ok') throw new PlatformRefusal(String(KUAISHOU_RESULT.INVALID_CREDENTIALS));
  const found = state.codes.exchange(appid, code, state.clock.nowMs());
  if (typeof found === 'string') throw new PlatformRefusal(String(KUAISHOU_RESULT.INVALID_PARAMS));
  return { result: KUAISHOU_RESULT.OK, session_key: found.sessionKey, open_id: found.user.subject };
}

export const KUAISHOU_SIMULATOR_SPEC: SimulatorSpec = {
  title: 'Kuaishou mini program API',
  appPattern: /^ks\d{10,24}$/,
  defaultApp: DEFAULT_KUAISHOU_APP,
  // Not documented for mini programs; WeChat's five minutes is assumed.
  codeLifetimeMs: 5 * 60 * 1000,
  sessionKeyBytes: 16,
  plaintext: 'json',
  newSubject: () => randomBytes(16).toString('hex'),
  newCode: () => randomText(32),
  apis: [{ name: KUAISHOU_CODE2SESSION.api, method: 'POST', path: KUAISHOU_CODE2SESSION.path, handle: code2Session }],
  refusalAnswer: (refusal): { status: number; body: KuaishouErrorResponse } => ({
    status: 200,
    body: { result: Number(refusal.error), error_msg: MESSAGES[refusal.error] ?? refusal.message },
  }),
  phoneData: wechatShapedPhoneData,
  watermark: false,
};

const simulator = platformSimulator(KUAISHOU_SIMULATOR_SPEC);

/** Mount under /sim/kuaishou. */
export const kuaishouSimulatorPlugin = simulator.plugin;
export const createKuaishouSimulatorState = simulator.createState;
/** The Kuaishou simulator on its own loopback listener: use its url in place of https://open.kuaishou.com. */
export const startKuaishouSimulator = simulator.start;
