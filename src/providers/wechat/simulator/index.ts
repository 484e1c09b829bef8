/** Public surface of the WeChat API simulator. */
export { DEFAULT_SIMULATOR_APP, type SimulatorApp } from './apps.js';
export { simulatorPlugin, type SimulatorOptions } from './plugin.js';
export { startSimulator, type RunningSimulator } from './server.js';
