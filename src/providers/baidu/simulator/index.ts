/** The Baidu smart program API simulator: jscode2sessionkey with Baidu's form body, OAuth errors and 24-byte keys. */
import { randomText } from '../../code2session/simulator/code-store.js';
import {
  authenticate,
  type CallParams,
  PlatformRefusal,
  type PlatformSimState,
  platformSimulator,
  type SimApp,
  type SimulatorSpec,
} from '../../code2session/simulator/platform-simulator.js';
import { BAIDU_CODE2SESSION, BAIDU_ERROR, type BaiduErrorResponse, type BaiduSessionResponse } from '../api/wire.js';

/** Public and obviously fake. AppKeys are 32 letters and digits, like Baidu's example 4fecoAqgCIUtzIyA4FAPgoyrc4oUc25c. */
export const DEFAULT_BAIDU_APP: SimApp = Object.freeze({
  appid: 'BaiduSimulatorAppKey000000000000',
  secret: 'baidusimulatorsecret000000000000',
});

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  [BAIDU_ERROR.INVALID_REQUEST]: 'missing required parameter',
  [BAIDU_ERROR.INVALID_CLIENT]: 'unknown client id or wrong secret key',
  [BAIDU_ERROR.INVALID_GRANT]: 'invalid authorization code',
  [BAIDU_ERROR.TEMPORARILY_UNAVAILABLE]: 'the server is temporarily unavailable',
};

function code2Session(params: CallParams, state: PlatformSimState): BaiduSessionResponse {
  const { code, client_id: appKey, sk } = params;
  if (!code || !appKey || !sk) throw new PlatformRefusal(BAIDU_ERROR.INVALID_REQUEST);
  if (authenticate(state, appKey, sk) !== 'ok') throw new PlatformRefusal(BAIDU_ERROR.INVALID_CLIENT);
  const found = state.codes.exchange(appKey, code, state.clock.nowMs());
  if (typeof found === 'string') throw new PlatformRefusal(BAIDU_ERROR.INVALID_GRANT);
  return { openid: found.user.subject, session_key: found.sessionKey };
}

export const BAIDU_SIMULATOR_SPEC: SimulatorSpec = {
  title: 'Baidu smart program API',
  appPattern: /^[A-Za-z0-9]{16,40}$/,
  defaultApp: DEFAULT_BAIDU_APP,
  // "code 有效期10分钟且只能使用一次".
  codeLifetimeMs: 10 * 60 * 1000,
  sessionKeyBytes: 24,
  plaintext: 'length-prefixed',
  // Like Baidu's example openid k04HERDeW-PAGpFWF611R6Vg.
  newSubject: () => randomText(24, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
  newCode: () => randomText(32),
  apis: [{ name: BAIDU_CODE2SESSION.api, method: 'POST', path: BAIDU_CODE2SESSION.path, handle: code2Session }],
  refusalAnswer: (refusal): { status: number; body: BaiduErrorResponse } => ({
    status: refusal.error === BAIDU_ERROR.TEMPORARILY_UNAVAILABLE ? 503 : 400,
    body: { error: refusal.error, error_description: DESCRIPTIONS[refusal.error] ?? refusal.message },
  }),
  // Baidu's getPhoneNumber data is the mobile number alone.
  phoneData: (phone) => ({ mobile: phone.purePhoneNumber }),
  watermark: false,
};

const simulator = platformSimulator(BAIDU_SIMULATOR_SPEC);

/** Mount under /sim/baidu. */
export const baiduSimulatorPlugin = simulator.plugin;
export const createBaiduSimulatorState = simulator.createState;
/** The Baidu simulator on its own loopback listener: use its url in place of https://spapi.baidu.com. */
export const startBaiduSimulator = simulator.start;
