/**
 * weapp-auth as a library: start the server from code (to add your own guarded routes), or reuse its parts.
 * The CLI (`weapp-auth serve`) is the same startServer with the configuration read from the environment.
 */
export { loadConfig, ConfigError, type Config, type WechatAppConfig, type WechatConfig } from './config.js';
export { startServer, simulatorBanner, type RunningServer, type ServerOptions } from './server.js';
export { WeappAuthError, ERROR_CODES, type ErrorCode } from './errors.js';
export { ERROR_STATUS } from './http/error-status.js';
export type { AccessClaims } from './auth/access-tokens.js';
export type { ExternalIdentity, IdentityProvider } from './auth/identity-provider.js';
export { startSimulator, simulatorPlugin, DEFAULT_SIMULATOR_APP, type RunningSimulator, type SimulatorApp } from './simulator/index.js';
