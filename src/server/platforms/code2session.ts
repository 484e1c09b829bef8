import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { IdentityProvider } from '../../core/identity-provider.js';
import type { PlatformTransport } from '../../providers/code2session/api/request.js';
import type { AppCredentials } from '../../providers/code2session/miniprogram/provider.js';
import type {
  PlatformSimOptions,
  PlatformSimState,
  RunningPlatformSimulator,
  SimApp,
} from '../../providers/code2session/simulator/platform-simulator.js';
import type { PlatformWiring } from './platform.js';

/** QQ's, Baidu's and Kuaishou's variables: `<PREFIX>_APPS`, `_API_BASE`, `_TIMEOUT_MS`, `_RETRIES`. */
export interface CodeSessionSettings {
  apps: AppCredentials[];
  apiBase: string;
  timeoutMs: number;
  retries: number;
}

/** What differs between the code→session platforms' wirings. */
export interface CodeSessionPlatform {
  id: string;
  title: string;
  /** The variables' prefix: 'QQ' reads QQ_APPS, QQ_API_BASE, QQ_TIMEOUT_MS, QQ_RETRIES. */
  prefix: string;
  appid: RegExp;
  /** How an appid looks, for problems: 'a QQ appid (digits)'. */
  appidIs: string;
  defaultApiBase: string;
  /** The built-in simulated app when none is configured: its appid is obviously fake. */
  defaultApp: SimApp;
  simulator: {
    plugin: FastifyPluginAsync<PlatformSimOptions>;
    createState(apps: readonly SimApp[]): PlatformSimState;
    start(options: PlatformSimOptions): Promise<RunningPlatformSimulator>;
  };
  provider(transport: PlatformTransport, apps: readonly AppCredentials[]): IdentityProvider;
}

/** The wiring of one code→session platform: the same variables, simulator mode and transport for each. */
export function codeSessionWiring(platform: CodeSessionPlatform): PlatformWiring<CodeSessionSettings> {
  const variable = (name: string): string => `${platform.prefix}_${name}`;
  return {
    id: platform.id,
    title: platform.title,

    readConfig(read, { production }) {
      if (['APPS', 'API_BASE', 'TIMEOUT_MS', 'RETRIES'].every((name) => read.optional(variable(name)) === undefined)) return undefined;
      return {
        apps: read.appCredentials(variable('APPS'), platform.appid, platform.appidIs),
        apiBase: read.apiBase(variable('API_BASE'), platform.defaultApiBase, production),
        timeoutMs: read.integer(variable('TIMEOUT_MS'), 5_000, 100, 60_000),
        retries: read.integer(variable('RETRIES'), 2, 0, 5),
      };
    },

    hasCredentials: (settings) => settings.apps.length > 0,

    secrets: (settings) => settings.apps.map((app) => app.secret),

    async simulate(settings) {
      const appids =
        settings !== undefined && settings.apps.length > 0 ? settings.apps.map((app) => app.appid) : [platform.defaultApp.appid];
      // Fresh secrets for this start: nothing well known logs in.
      const apps = appids.map((appid) => ({ appid, secret: randomBytes(16).toString('hex') }));
      const state = platform.simulator.createState(apps);
      const listener = await platform.simulator.start({ state });
      return {
        settings: { timeoutMs: 5_000, retries: 2, ...settings, apps, apiBase: listener.url },
        plugin: async (scope) => scope.register(platform.simulator.plugin, { state }),
        apps: appids,
        close: () => listener.close(),
      };
    },

    provider(settings, deps) {
      const transport: PlatformTransport = {
        baseUrl: settings.apiBase,
        timeoutMs: settings.timeoutMs,
        retries: settings.retries,
        observe: (call) => deps.observe(call),
      };
      return platform.provider(transport, settings.apps);
    },
  };
}
