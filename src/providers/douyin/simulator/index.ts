/** Public surface of the Douyin API simulator. */
export { type DouyinSimulatorOptions, douyinSimulatorPlugin } from './plugin.js';
export { type RunningDouyinSimulator, startDouyinSimulator } from './server.js';
export { type DouyinSimulatorApp, DouyinSimulatorState } from './state.js';
