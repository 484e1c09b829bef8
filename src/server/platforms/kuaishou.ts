import { KUAISHOU_API_BASE } from '../../providers/kuaishou/api/wire.js';
import { KUAISHOU, kuaishouProvider } from '../../providers/kuaishou/miniprogram/provider.js';
import {
  createKuaishouSimulatorState,
  DEFAULT_KUAISHOU_APP,
  KUAISHOU_SIMULATOR_SPEC,
  kuaishouSimulatorPlugin,
  startKuaishouSimulator,
} from '../../providers/kuaishou/simulator/index.js';
import { codeSessionWiring } from './code2session.js';

export const kuaishouPlatform = codeSessionWiring({
  id: KUAISHOU,
  title: 'Kuaishou mini programs',
  prefix: 'KUAISHOU',
  appid: KUAISHOU_SIMULATOR_SPEC.appPattern,
  appidIs: 'a Kuaishou app id (ks + digits)',
  defaultApiBase: KUAISHOU_API_BASE,
  defaultApp: DEFAULT_KUAISHOU_APP,
  simulator: { plugin: kuaishouSimulatorPlugin, createState: createKuaishouSimulatorState, start: startKuaishouSimulator },
  provider: kuaishouProvider,
});
