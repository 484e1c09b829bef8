import { QQ_API_BASE } from '../../providers/qq/api/wire.js';
import { QQ, qqProvider } from '../../providers/qq/miniprogram/provider.js';
import {
  createQqSimulatorState,
  DEFAULT_QQ_APP,
  QQ_SIMULATOR_SPEC,
  qqSimulatorPlugin,
  startQqSimulator,
} from '../../providers/qq/simulator/index.js';
import { codeSessionWiring } from './code2session.js';

export const qqPlatform = codeSessionWiring({
  id: QQ,
  title: 'QQ mini programs',
  prefix: 'QQ',
  appid: QQ_SIMULATOR_SPEC.appPattern,
  appidIs: 'a QQ appid (digits)',
  defaultApiBase: QQ_API_BASE,
  defaultApp: DEFAULT_QQ_APP,
  simulator: { plugin: qqSimulatorPlugin, createState: createQqSimulatorState, start: startQqSimulator },
  provider: qqProvider,
});
