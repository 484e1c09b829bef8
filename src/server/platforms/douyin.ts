import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { DouyinApi } from '../../providers/douyin/api/douyin-api.js';
import { readPhonePrivateKey } from '../../providers/douyin/api/phone-cipher.js';
import { DOUYIN, DouyinMiniProgramProvider } from '../../providers/douyin/miniprogram/provider.js';
import { DouyinSimulatorState, douyinSimulatorPlugin, startDouyinSimulator } from '../../providers/douyin/simulator/index.js';
import type { PlatformWiring } from './platform.js';

export interface DouyinSettings {
  apps: { appid: string; secret: string }[];
  /** One base for every Douyin API (a simulator, a proxy); Douyin's own two hosts when undefined. */
  apiBase: string | undefined;
  timeoutMs: number;
  retries: number;
  /** PEM of the RSA key whose public half is set in Douyin's console; opens phone answers. Undefined: no phone by code. */
  privateKey: string | undefined;
}

/** The built-in simulated app, when DOUYIN_APPS names none: obviously fake. */
const SIMULATED_APPID = 'tt00000000deadbeef';

export const douyinPlatform: PlatformWiring<DouyinSettings> = {
  id: DOUYIN,
  title: 'Douyin mini programs',

  readConfig(read, { production }) {
    const names = ['DOUYIN_APPS', 'DOUYIN_API_BASE', 'DOUYIN_TIMEOUT_MS', 'DOUYIN_RETRIES', 'DOUYIN_PRIVATE_KEY'];
    if (names.every((name) => read.optional(name) === undefined)) return undefined;
    const apps = read.appCredentials('DOUYIN_APPS', /^tt[0-9a-f]{16}$/, 'a Douyin appid (tt + 16 hex)');
    // A PEM in one line of an env file carries its line breaks as \n.
    const privateKey = read.optional('DOUYIN_PRIVATE_KEY')?.replaceAll('\\n', '\n');
    if (privateKey !== undefined) {
      try {
        readPhonePrivateKey(privateKey);
      } catch (error) {
        read.problem(`DOUYIN_PRIVATE_KEY: ${(error as Error).message}`);
      }
    }
    return {
      apps,
      apiBase: read.optional('DOUYIN_API_BASE') === undefined ? undefined : read.apiBase('DOUYIN_API_BASE', '', production),
      timeoutMs: read.integer('DOUYIN_TIMEOUT_MS', 5_000, 100, 60_000),
      retries: read.integer('DOUYIN_RETRIES', 2, 0, 5),
      privateKey,
    };
  },

  hasCredentials: (settings) => settings.apps.length > 0,

  secrets: (settings) => [...settings.apps.map((app) => app.secret), ...(settings.privateKey === undefined ? [] : [settings.privateKey])],

  async simulate(settings) {
    const appids = settings !== undefined && settings.apps.length > 0 ? settings.apps.map((app) => app.appid) : [SIMULATED_APPID];
    // Fresh secrets and a fresh phone key pair for this start: nothing well known opens anything.
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const apps = appids.map((appid) => ({ appid, secret: randomBytes(16).toString('hex') }));
    const state = new DouyinSimulatorState(apps.map((app) => ({ ...app, publicKey })));
    const listener = settings?.apiBase === undefined ? await startDouyinSimulator({ state }) : undefined;
    return {
      settings: { timeoutMs: 5_000, retries: 2, ...settings, apps, privateKey, apiBase: settings?.apiBase ?? listener?.url },
      plugin: async (scope) => scope.register(douyinSimulatorPlugin, { state }),
      apps: appids,
      close: async () => listener?.close(),
    };
  },

  provider(settings, deps) {
    const douyin = new DouyinApi({
      baseUrl: settings.apiBase,
      timeoutMs: settings.timeoutMs,
      retries: settings.retries,
      observe: (event) =>
        deps.observe({
          api: event.api,
          outcome: event.failure === undefined ? (event.errNo === 0 ? 'ok' : String(event.errNo)) : failureOutcome(event.failure),
          durationMs: event.durationMs,
        }),
    });
    const phonePrivateKey: KeyObject | undefined = settings.privateKey === undefined ? undefined : readPhonePrivateKey(settings.privateKey);
    const apps = settings.apps.map((app) => (phonePrivateKey === undefined ? app : { ...app, phonePrivateKey }));
    return new DouyinMiniProgramProvider({ douyin, apps, tokenStore: deps.kv, clock: deps.clock });
  },
};

function failureOutcome(failure: 'timeout' | 'network' | 'bad_response'): string {
  return failure === 'network' ? 'unreachable' : failure === 'bad_response' ? 'bad_answer' : 'timeout';
}
