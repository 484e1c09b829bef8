import type { Config } from '../server/config.js';
import { redactUrl } from '../store/sql/database.js';

const MASK = '***';

/** The running configuration as an operator may print it: every secret replaced, URLs without passwords. */
export function maskedConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    providers: {
      wechat: {
        ...config.providers.wechat,
        apps: config.providers.wechat.apps.map((app) => ({ appid: app.appid, secret: app.secret === '' ? '(simulator)' : MASK })),
      },
    },
    databaseUrl: redactUrl(config.databaseUrl),
    dataEncryptionKey: config.dataEncryptionKey === undefined ? `(generated in ${config.dataDir})` : MASK,
    redis: config.redis === undefined ? undefined : { ...config.redis, url: redactUrl(config.redis.url) },
    metrics: { ...config.metrics, token: config.metrics.token === undefined ? undefined : MASK },
    introspection: { ...config.introspection, clients: config.introspection.clients.map((client) => ({ id: client.id, secret: MASK })) },
  };
}
