#!/usr/bin/env node
// Each command loads what it runs, when it runs: `serve` neither parses nor keeps the admin commands or the
// standalone simulator (start-up time and memory at rest, BENCHMARKS.md).
import { UsageError } from './admin/usage-error.js';
import { ConfigError, configSecrets, loadConfig } from './server/config.js';

const USAGE = `usage: weapp-auth <command>

  serve                 start the server (configuration from the environment; see README)
  migrate               bring the database named by DATABASE_URL to the latest schema
  users list [--limit N]                      newest users, with their linked accounts
  users find --id|--openid|--subject|--unionid|--phone X
  sessions list --user ID                     a user's sessions: active, expired, revoked (and why)
  sessions revoke --session ID | --user ID    revoke one session, or all of a user's
  audit [--user ID] [--type T] [--since DATE] [--limit N]
                                              security events, newest first (login, refresh, reuse, logout, ...)
  config                                      the configuration in force, secrets masked
  keys rotate [--now]   add an access-token signing key: published now, signing in 10 minutes when the
                        current one retires (--now, for a leaked key: signing at once and the old keys
                        withdrawn; running servers follow within a second, verifiers within JWKS max-age 60 s)
  simulator [options]   run the WeChat API simulator alone
      --port N            port to listen on (default 4000)
      --host ADDR         address to bind (default 127.0.0.1)
      --app APPID:SECRET  an app the simulator knows (repeatable; default: one built-in app)`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve();
    case 'migrate':
      return migrate();
    case 'simulator':
      return (await import('./providers/wechat/simulator/command.js')).simulatorCommand(rest);
    case 'users':
    case 'sessions':
    case 'audit':
    case 'config':
    case 'keys': {
      const config = loadConfig();
      const [{ adminCommand }, { createLogger }] = await Promise.all([import('./admin/commands.js'), import('./observability/logging.js')]);
      const logger = createLogger('warn', undefined, 'json', configSecrets(config));
      // Answers are JSON for jq; a line of text (the new key's id) as it is.
      const print = (value: unknown): void => console.log(typeof value === 'string' ? value : JSON.stringify(value, null, 2));
      return adminCommand(argv, config, logger, print);
    }
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      console.log(USAGE);
      return;
    default:
      return usage(`unknown command "${command}"`);
  }
}

async function serve(): Promise<void> {
  const config = loadConfig();
  const { simulatorBanner, startServer } = await import('./server/start.js');
  const server = await startServer(config);
  server.logger.info(`weapp-auth listening on ${server.url}`);
  if (server.simulatorMode) process.stderr.write(`${simulatorBanner(server)}\n`);
  const stop = async (signal: string): Promise<void> => {
    server.logger.info(`${signal} received: finishing in-flight requests`);
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', (signal) => void stop(signal));
  process.once('SIGTERM', (signal) => void stop(signal));
}

async function migrate(): Promise<void> {
  const config = loadConfig();
  const [{ connectDatabase, redactUrl }, { migrateToLatest }] = await Promise.all([
    import('./store/sql/database.js'),
    import('./store/sql/migrations.js'),
  ]);
  const database = await connectDatabase(config.databaseUrl);
  try {
    const results = (await migrateToLatest(database.db)) ?? [];
    for (const result of results) console.log(`${result.status}: ${result.migrationName}`);
    console.log(`${redactUrl(config.databaseUrl)} is at the latest schema (${results.length} applied now)`);
  } finally {
    await database.close();
  }
}

function usage(problem: string): void {
  console.error(`${problem}\n\n${USAGE}`);
  process.exitCode = 2;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) return usage(error.message);
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
