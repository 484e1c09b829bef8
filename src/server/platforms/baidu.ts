import { BAIDU_API_BASE } from '../../providers/baidu/api/wire.js';
import { BAIDU, baiduProvider } from '../../providers/baidu/miniprogram/provider.js';
import {
  BAIDU_SIMULATOR_SPEC,
  baiduSimulatorPlugin,
  createBaiduSimulatorState,
  DEFAULT_BAIDU_APP,
  startBaiduSimulator,
} from '../../providers/baidu/simulator/index.js';
import { codeSessionWiring } from './code2session.js';

export const baiduPlatform = codeSessionWiring({
  id: BAIDU,
  title: 'Baidu smart programs',
  prefix: 'BAIDU',
  appid: BAIDU_SIMULATOR_SPEC.appPattern,
  appidIs: 'a Baidu App Key (16 to 40 letters and digits)',
  defaultApiBase: BAIDU_API_BASE,
  defaultApp: DEFAULT_BAIDU_APP,
  simulator: { plugin: baiduSimulatorPlugin, createState: createBaiduSimulatorState, start: startBaiduSimulator },
  provider: baiduProvider,
});
