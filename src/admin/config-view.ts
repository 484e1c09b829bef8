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
    platforms: config.platforms.map(({ wiring, settings }) => ({
      provider: wiring.id,
      settings: withSecretsMasked(settings, new Set(wiring.secrets(settings))),
    })),
  };
}

/** The settings with every string the platform's wiring names a secret (AppSecrets, private keys) replaced. */
function withSecretsMasked(value: unknown, secrets: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return secrets.has(value) ? MASK : value;
  if (Array.isArray(value)) return value.map((item) => withSecretsMasked(item, secrets));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withSecretsMasked(item, secrets)]));
}
