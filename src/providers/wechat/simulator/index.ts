/** Public surface of the WeChat API simulator. */
export { DEFAULT_SIMULATOR_APP, type SimulatorApp } from './apps.js';
export { type SimulatorOptions, simulatorPlugin } from './plugin.js';
export { type RunningSimulator, startSimulator } from './server.js';
export { createSimulatorState, type SimulatorState } from './state.js';
