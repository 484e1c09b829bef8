/**
 * weapp-auth as a library: start the server from code (to add your own guarded routes), or reuse its parts.
 * The CLI (`weapp-auth serve`) is the same startServer with the configuration read from the environment.
 */

export { ERROR_CODES, ERROR_STATUS, type ErrorCode } from './contract/errors/index.js';
export type { ExternalIdentity, IdentityProvider } from './core/identity-provider.js';
export type { AccessClaims } from './core/tokens/access-tokens.js';
export { WeappAuthError } from './lib/errors.js';
export {
  DEFAULT_SIMULATOR_APP,
  type RunningSimulator,
  type SimulatorApp,
  simulatorPlugin,
  startSimulator,
} from './providers/wechat/simulator/index.js';
export { type Config, ConfigError, loadConfig, type WechatAppConfig, type WechatConfig } from './server/config.js';
export { type RunningServer, type ServerOptions, simulatorBanner, startServer } from './server/start.js';
