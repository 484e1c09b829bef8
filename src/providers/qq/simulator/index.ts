/** The QQ mini program API simulator: code2Session at QQ's path with WeChat's wire shapes. */
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
import { type Code2SessionResponse, QQ_CODE2SESSION, QQ_ERRCODE, type WireError } from '../api/wire.js';

/** Public and obviously fake: never a real app's credentials. QQ appids are numbers (1109…). */
export const DEFAULT_QQ_APP: SimApp = Object.freeze({ appid: '1100000000', secret: 'qqsimulatorsecret0000000000000000' });

const ERRMSG: Readonly<Record<number, string>> = {
  [QQ_ERRCODE.SYSTEM_BUSY]: 'system error',
  [QQ_ERRCODE.INVALID_APPID]: 'invalid appid',
  [QQ_ERRCODE.INVALID_CODE]: 'invalid code',
  [QQ_ERRCODE.INVALID_APPSECRET]: 'invalid appsecret',
  [QQ_ERRCODE.CODE_BEEN_USED]: 'code been used',
  [QQ_ERRCODE.MINUTE_QUOTA]: 'api minute-quota reach limit',
  [QQ_ERRCODE.APPID_MISSING]: 'appid missing',
  [QQ_ERRCODE.APPSECRET_MISSING]: 'appsecret missing',
  [QQ_ERRCODE.CODE_MISSING]: 'missing code',
};

function code2Session(params: CallParams, state: PlatformSimState): Code2SessionResponse {
  // WeChat's order of checks, which QQ's server follows: 41002, 40013, 41004, 40125, then the code.
  const { appid, secret, js_code: code } = params;
  if (!appid) throw new PlatformRefusal(String(QQ_ERRCODE.APPID_MISSING));
  const check = authenticate(state, appid, secret);
  if (check === 'unknown_app') throw new PlatformRefusal(String(QQ_ERRCODE.INVALID_APPID));
  if (!secret) throw new PlatformRefusal(String(QQ_ERRCODE.APPSECRET_MISSING));
  if (check === 'bad_secret') throw new PlatformRefusal(String(QQ_ERRCODE.INVALID_APPSECRET));
  if (!code) throw new PlatformRefusal(String(QQ_ERRCODE.CODE_MISSING));
  const found = state.codes.exchange(appid, code, state.clock.nowMs());
  if (found === 'invalid') throw new PlatformRefusal(String(QQ_ERRCODE.INVALID_CODE));
  if (found === 'used') throw new PlatformRefusal(String(QQ_ERRCODE.CODE_BEEN_USED));
  const { unionid } = found.user;
  return { openid: found.user.subject, session_key: found.sessionKey, ...(unionid === undefined ? {} : { unionid }) };
}

export const QQ_SIMULATOR_SPEC: SimulatorSpec = {
  title: 'QQ mini program API',
  appPattern: /^\d{6,12}$/,
  defaultApp: DEFAULT_QQ_APP,
  // Documented: a code works once; its lifetime is not stated, WeChat's five minutes is assumed.
  codeLifetimeMs: 5 * 60 * 1000,
  sessionKeyBytes: 16,
  plaintext: 'json',
  // QQ openids: 32 upper-case hex digits.
  newSubject: () => randomBytes(16).toString('hex').toUpperCase(),
  newCode: () => randomText(32),
  apis: [{ name: QQ_CODE2SESSION.api, method: 'GET', path: QQ_CODE2SESSION.path, handle: code2Session }],
  refusalAnswer: (refusal): { status: number; body: WireError } => {
    const errcode = Number(refusal.error);
    return { status: 200, body: { errcode, errmsg: ERRMSG[errcode] ?? refusal.message } };
  },
  phoneData: wechatShapedPhoneData,
  watermark: true,
};

const simulator = platformSimulator(QQ_SIMULATOR_SPEC);

/** Mount under /sim/qq. */
export const qqSimulatorPlugin = simulator.plugin;
export const createQqSimulatorState = simulator.createState;
/** The QQ simulator on its own loopback listener: use its url in place of https://api.q.qq.com. */
export const startQqSimulator = simulator.start;
