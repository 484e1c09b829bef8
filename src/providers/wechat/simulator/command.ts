/** `weapp-auth simulator`: runs the WeChat API simulator standalone until SIGINT/SIGTERM. */
import { parseArgs } from 'node:util';
import { AppRegistry, DEFAULT_SIMULATOR_APP, type SimulatorApp } from './apps.js';
import { startSimulator } from './server.js';

const USAGE = `usage: weapp-auth simulator [--port 4000] [--host 127.0.0.1] [--app appid:secret]...
  --port  port to listen on (default 4000; 0 picks a free one)
  --host  address to bind (default 127.0.0.1)
  --app   an app the simulator knows, repeatable (default: the built-in ${DEFAULT_SIMULATOR_APP.appid})`;

interface CommandOptions {
  port: number;
  host: string;
  apps: SimulatorApp[];
}

/** Resolves once the simulator has stopped. Bad arguments: a message on stderr and exit code 2. */
export async function simulatorCommand(args: string[]): Promise<void> {
  let options: CommandOptions | 'help';
  try {
    options = parseCommandArgs(args);
  } catch (error) {
    console.error(`weapp-auth simulator: ${(error as Error).message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  // Listen for signals before announcing anything: whoever reads the banner may signal at once.
  const signal = nextStopSignal();
  let simulator;
  try {
    simulator = await startSimulator(options);
  } catch (error) {
    signal.cancel();
    console.error(`weapp-auth simulator: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  console.log(describe(simulator.url, options.apps));
  await signal.received;
  await simulator.close();
  console.log('WeChat API simulator stopped');
}

/** Resolves on the first SIGINT or SIGTERM; both handlers come off then (or on cancel), leaving the defaults. */
function nextStopSignal(): { received: Promise<void>; cancel(): void } {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  let cancel = (): void => {};
  const received = new Promise<void>((resolve) => {
    const stop = (): void => {
      cancel();
      resolve();
    };
    cancel = () => signals.forEach((name) => process.off(name, stop));
    signals.forEach((name) => process.on(name, stop));
  });
  return { received, cancel };
}

function parseCommandArgs(args: string[]): CommandOptions | 'help' {
  const { values, positionals } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '4000' },
      host: { type: 'string', default: '127.0.0.1' },
      app: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
  if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) {
    throw new Error(`--port must be a number from 0 to 65535, got "${values.port}"`);
  }
  const apps = values.app.map(parseAppSpec);
  new AppRegistry(apps); // validates now, so a bad --app is a usage error (exit 2), not a startup failure
  return { port: Number(values.port), host: values.host, apps };
}

/** "appid:secret"; the secret may itself contain colons. */
function parseAppSpec(spec: string): SimulatorApp {
  const colon = spec.indexOf(':');
  if (colon <= 0 || colon === spec.length - 1) throw new Error(`--app must be appid:secret, got "${spec}"`);
  return { appid: spec.slice(0, colon), secret: spec.slice(colon + 1) };
}

/** Where it listens and which apps it knows; secrets only for the built-in app, whose secret is public anyway. */
function describe(url: string, apps: SimulatorApp[]): string {
  const appLines =
    apps.length > 0
      ? apps.map(({ appid }) => `  ${appid} (secret as given with --app)`)
      : [`  ${DEFAULT_SIMULATOR_APP.appid} secret ${DEFAULT_SIMULATOR_APP.secret} (built-in default app)`];
  return [
    `WeChat API simulator listening on ${url}`,
    `  WeChat API base: ${url} (use it in place of https://api.weixin.qq.com)`,
    `  control API:     ${url}/control`,
    'apps:',
    ...appLines,
  ].join('\n');
}
