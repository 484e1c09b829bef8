/**
 * weapp-auth as a library: start the server from code (to add your own guarded routes), or reuse its parts.
 * The CLI (`weapp-auth serve`) is the same startServer with the configuration read from the environment.
 */
export { loadConfig, ConfigError, type Config, type WechatAppConfig, type WechatConfig } from './server/config.js';
export { startServer, simulatorBanner, type RunningServer, type ServerOptions } from './server/start.js';
export { WeappAuthError, ERROR_CODES, type ErrorCode } from './lib/errors.js';
export { ERROR_STATUS } from './http/error-status.js';
export type { AccessClaims } from './core/tokens/access-tokens.js';
export type { ExternalIdentity, IdentityProvider } from './core/identity-provider.js';
export { startSimulator, simulatorPlugin, DEFAULT_SIMULATOR_APP, type RunningSimulator, type SimulatorApp } from './providers/wechat/simulator/index.js';
