import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { UpstreamCall } from '../../core/identity-provider.js';
import { AlipayApi, type AlipayCallEvent } from '../../providers/alipay/api/alipay-api.js';
import { ALIPAY, type AlipayIdMode, AlipayMiniProgramProvider } from '../../providers/alipay/miniprogram/provider.js';
import { alipaySimulatorPlugin, generateRsaKeyPair, startAlipaySimulator } from '../../providers/alipay/simulator/index.js';
import type { EnvReader } from '../env-reader.js';
import type { PlatformWiring } from './platform.js';

/** One app as configured: its keys are absent outside a deployment (simulator mode generates them per start). */
export interface AlipayAppSettings {
  appid: string;
  idMode: AlipayIdMode;
  /** PKCS#8 PEM. */
  privateKey?: string;
  /** SPKI PEM. */
  alipayPublicKey?: string;
  encryptKey?: string;
}

export interface AlipaySettings {
  apps: AlipayAppSettings[];
  gateway: string;
  timeoutMs: number;
  retries: number;
}

const APPID = /^\d{16}$/;
const ID_MODES = ['user_id', 'open_id'] as const;
/** The appid simulator mode serves when none is configured: shaped like a real one, owned by nobody. */
export const ALIPAY_SIMULATOR_APP = '2021000000000001';
const GATEWAY = 'https://openapi.alipay.com/gateway.do';

/**
 * The variables of one app: ALIPAY_<suffix> for the single app of ALIPAY_APPID, ALIPAY_<appid>_<suffix> for each
 * app of ALIPAY_APPS.
 */
type KeyVariable = (suffix: 'PRIVATE_KEY' | 'PUBLIC_KEY' | 'ENCRYPT_KEY') => string;

export const alipayPlatform: PlatformWiring<AlipaySettings> = {
  id: ALIPAY,
  title: 'Alipay mini programs',

  readConfig(read: EnvReader, { production }): AlipaySettings | undefined {
    const single = read.optional('ALIPAY_APPID');
    const list = read.optional('ALIPAY_APPS');
    const others = ['ALIPAY_ID_MODE', 'ALIPAY_GATEWAY', 'ALIPAY_TIMEOUT_MS', 'ALIPAY_RETRIES'].filter(
      (name) => read.optional(name) !== undefined,
    );
    if (single === undefined && list === undefined) {
      if (others.length === 0) return undefined;
      read.problem(`${others.join(', ')} set but no Alipay app: set ALIPAY_APPID or ALIPAY_APPS`);
    }
    if (single !== undefined && list !== undefined) read.problem('ALIPAY_APPID and ALIPAY_APPS: set one of them, not both');
    const fallbackMode = read.oneOf('ALIPAY_ID_MODE', ID_MODES, 'open_id');
    const declared =
      list !== undefined ? readAppList(read, list, fallbackMode) : single !== undefined ? readSingleApp(read, single, fallbackMode) : [];
    const apps = declared.map(({ appid, idMode, variable }) => readKeys(read, appid, idMode, variable));
    const given = (variable: string): boolean => read.optional(variable) !== undefined;
    const keyed = declared.some(({ variable }) => given(variable('PRIVATE_KEY')) || given(variable('PUBLIC_KEY')));
    if (production || keyed) {
      // A deployment: every app needs its own key and Alipay's; none may silently run on simulated ones.
      for (const { appid, variable } of declared) {
        for (const suffix of ['PRIVATE_KEY', 'PUBLIC_KEY'] as const) {
          if (!given(variable(suffix))) read.problem(`${variable(suffix)} is required for the Alipay app ${appid}`);
        }
      }
    }
    return {
      apps,
      gateway: read.apiBase('ALIPAY_GATEWAY', GATEWAY, production),
      timeoutMs: read.integer('ALIPAY_TIMEOUT_MS', 5000, 100, 60_000),
      retries: read.integer('ALIPAY_RETRIES', 2, 0, 5),
    };
  },

  hasCredentials(settings: AlipaySettings): boolean {
    return settings.apps.length > 0 && settings.apps.every((app) => app.privateKey !== undefined && app.alipayPublicKey !== undefined);
  },

  secrets(settings: AlipaySettings): string[] {
    // The private key also as the one-line base64 body the key tool prints, the form it may be pasted in.
    const body = (pem: string): string => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    return settings.apps.flatMap((app) =>
      [app.privateKey, app.privateKey === undefined ? undefined : body(app.privateKey), app.encryptKey].filter(
        (secret) => secret !== undefined,
      ),
    );
  },

  async simulate(configured: AlipaySettings | undefined) {
    const apps = configured?.apps ?? [{ appid: ALIPAY_SIMULATOR_APP, idMode: 'open_id' as const }];
    // Fresh key pairs each start: the app's (the simulator checks requests with its public half) and Alipay's.
    const appKeys = new Map(apps.map((app) => [app.appid, generateRsaKeyPair()]));
    const simulator = await startAlipaySimulator({
      apps: apps.map((app) => ({ appid: app.appid, appPublicKey: appKeys.get(app.appid)?.publicKey ?? '', idMode: app.idMode })),
    });
    const settings: AlipaySettings = {
      gateway: `${simulator.url}/gateway.do`,
      timeoutMs: configured?.timeoutMs ?? 5000,
      retries: configured?.retries ?? 2,
      apps: apps.map((app) => {
        const sim = simulator.state.apps.get(app.appid);
        return {
          appid: app.appid,
          idMode: app.idMode,
          privateKey: appKeys.get(app.appid)?.privateKey,
          alipayPublicKey: sim?.alipayKeys.publicKey,
          encryptKey: sim?.encryptKey,
        };
      }),
    };
    return {
      settings,
      plugin: async (scope) => {
        await scope.register(alipaySimulatorPlugin, { state: simulator.state });
      },
      apps: apps.map((app) => app.appid),
      close: () => simulator.close(),
    };
  },

  provider(settings: AlipaySettings, { observe }) {
    const apps = settings.apps.map((app) => {
      if (app.privateKey === undefined || app.alipayPublicKey === undefined) {
        throw new Error(`the Alipay app ${app.appid} has no keys`);
      }
      return { ...app, privateKey: app.privateKey, alipayPublicKey: app.alipayPublicKey };
    });
    const transport = {
      gateway: settings.gateway,
      timeoutMs: settings.timeoutMs,
      retries: settings.retries,
      observe: (event: AlipayCallEvent) => observe(upstreamCall(event)),
    };
    return new AlipayMiniProgramProvider({ alipay: new AlipayApi(transport, apps), apps });
  },
};

function readSingleApp(
  read: EnvReader,
  appid: string,
  idMode: AlipayIdMode,
): { appid: string; idMode: AlipayIdMode; variable: KeyVariable }[] {
  if (!APPID.test(appid)) {
    read.problem(`ALIPAY_APPID "${appid}" is not an Alipay app_id (16 digits)`);
    return [];
  }
  return [{ appid, idMode, variable: (suffix) => `ALIPAY_${suffix}` }];
}

/** `appid[:user_id|:open_id],…`: several apps, each with its own id standard (ALIPAY_ID_MODE when not given). */
function readAppList(
  read: EnvReader,
  raw: string,
  fallback: AlipayIdMode,
): { appid: string; idMode: AlipayIdMode; variable: KeyVariable }[] {
  const apps: { appid: string; idMode: AlipayIdMode; variable: KeyVariable }[] = [];
  raw.split(',').forEach((entry, index) => {
    const [appid = '', mode, ...rest] = entry.trim().split(':');
    if (!APPID.test(appid) || rest.length > 0) {
      read.problem(`ALIPAY_APPS: entry ${index + 1} "${entry.trim()}" is not appid[:user_id|:open_id] with a 16-digit app_id`);
    } else if (mode !== undefined && !(ID_MODES as readonly string[]).includes(mode)) {
      read.problem(`ALIPAY_APPS: the app ${appid} has id mode "${mode}"; use user_id or open_id`);
    } else if (apps.some((app) => app.appid === appid)) {
      read.problem(`ALIPAY_APPS: the app ${appid} is listed twice`);
    } else {
      apps.push({ appid, idMode: (mode as AlipayIdMode | undefined) ?? fallback, variable: (suffix) => `ALIPAY_${appid}_${suffix}` });
    }
  });
  return apps;
}

/** An app's keys as PEM, checked to be what they claim; problems name the variable, never its value. */
function readKeys(read: EnvReader, appid: string, idMode: AlipayIdMode, variable: KeyVariable): AlipayAppSettings {
  const privateKey = readKey(read, variable('PRIVATE_KEY'), 'an RSA private key (PEM, or its base64 body)', (key) =>
    key.includes('-----BEGIN') ? createPrivateKey(key) : privateKeyFromBody(Buffer.from(key, 'base64')),
  );
  const alipayPublicKey = readKey(read, variable('PUBLIC_KEY'), 'the Alipay public key (PEM, or its base64 body)', (key) =>
    createPublicKey(key.includes('-----BEGIN') ? key : { key: Buffer.from(key, 'base64'), format: 'der', type: 'spki' }),
  );
  const encryptKey = read.optional(variable('ENCRYPT_KEY'));
  if (encryptKey !== undefined && ![16, 24, 32].includes(Buffer.from(encryptKey, 'base64').length)) {
    read.problem(`${variable('ENCRYPT_KEY')} must be the AES key the console shows (base64 of 16, 24 or 32 bytes)`);
  }
  return {
    appid,
    idMode,
    ...(privateKey === undefined ? {} : { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }),
    ...(alipayPublicKey === undefined ? {} : { alipayPublicKey: alipayPublicKey.export({ type: 'spki', format: 'pem' }).toString() }),
    ...(encryptKey === undefined ? {} : { encryptKey }),
  };
}

function readKey(read: EnvReader, name: string, what: string, parse: (key: string) => KeyObject): KeyObject | undefined {
  // PEM pasted into one line of an env file keeps its newlines as \n.
  const raw = read.optional(name)?.replaceAll('\\n', '\n');
  if (raw === undefined) return undefined;
  try {
    const key = parse(raw);
    if (key.asymmetricKeyType === 'rsa') return key;
  } catch {
    // Reported below, without the value.
  }
  read.problem(`${name} is not ${what}`);
  return undefined;
}

/** Alipay's key tool prints the body of a PKCS#8 key (for Java) or a PKCS#1 one (for other languages). */
function privateKeyFromBody(der: Buffer): KeyObject {
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
  }
}

/** An Alipay call as the server's metrics count it: never a parameter or an answer. */
function upstreamCall(event: AlipayCallEvent): UpstreamCall {
  const failures: Record<NonNullable<AlipayCallEvent['failure']>, string> = {
    timeout: 'timeout',
    network: 'unreachable',
    bad_response: 'bad_answer',
    bad_signature: 'bad_signature',
  };
  const outcome =
    event.failure !== undefined ? failures[event.failure] : event.code === '10000' ? 'ok' : (event.subCode ?? event.code ?? 'bad_answer');
  return { api: event.api, outcome, durationMs: event.durationMs };
}
