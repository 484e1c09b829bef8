/** Public surface of the Alipay gateway simulator. */
export { generateAesKey, generateRsaKeyPair, type RsaKeyPair } from './crypto.js';
export { type AlipaySimulatorOptions, alipaySimulatorPlugin } from './plugin.js';
export { type RunningAlipaySimulator, startAlipaySimulator } from './server.js';
export { type AlipaySimulatorApp, AlipaySimulatorState, type SimIdMode } from './state.js';
