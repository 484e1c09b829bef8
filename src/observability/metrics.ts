import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Metrics take plain figures of their own shapes, which the store's pool and the WeChat client's call events fit:
 * this module imports neither.
 */

/** Database pool connections by state. */
export interface PoolFigures {
  total: number;
  idle: number;
  waiting: number;
}

/** One attempt at an upstream API. */
export interface UpstreamCall {
  api: string;
  durationMs: number;
  /** 0 on success, the upstream's error code on an error answer, undefined when no answer came. */
  errcode: number | undefined;
}

/** One attempt at another platform's API (core/identity-provider.ts UpstreamCall, restated: observability imports no core). */
export interface PlatformCall {
  api: string;
  outcome: string;
  durationMs: number;
}

/** Sources read at scrape time rather than counted as they happen. */
export interface MetricsSources {
  activeSessions: () => Promise<number>;
  poolStats: () => PoolFigures;
}

/**
 * Everything /metrics reports, on a registry of its own (not prom-client's global one), so several servers in
 * one process, as in tests, never mix their figures.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly logins: Counter<'outcome'>;
  readonly wechatCalls: Counter<'api' | 'errcode'>;
  readonly wechatDuration: Histogram<'api'>;
  readonly platformCalls: Counter<'provider' | 'api' | 'outcome'>;
  readonly platformDuration: Histogram<'provider' | 'api'>;
  readonly redisFallbacks: Counter<'operation'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'weapp_auth_' });
    this.httpRequests = new Counter({
      name: 'weapp_auth_http_requests_total',
      help: 'HTTP requests by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'weapp_auth_http_request_duration_seconds',
      help: 'HTTP request duration by route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.logins = new Counter({
      name: 'weapp_auth_logins_total',
      help: 'Logins by outcome: new_user, returning_user, or the error code',
      labelNames: ['outcome'],
      registers,
    });
    this.wechatCalls = new Counter({
      name: 'weapp_auth_wechat_calls_total',
      help: 'Calls to WeChat by API and errcode (0 = success; "none" = no answer: timeout, network, bad response). Access-token fetches are api="stable_token" or api="token".',
      labelNames: ['api', 'errcode'],
      registers,
    });
    this.wechatDuration = new Histogram({
      name: 'weapp_auth_wechat_call_duration_seconds',
      help: 'WeChat call latency by API, each attempt',
      labelNames: ['api'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.platformCalls = new Counter({
      name: 'weapp_auth_platform_calls_total',
      help: 'Calls to the other platforms’ APIs (Douyin, Alipay, QQ, Baidu, Kuaishou) by provider, API and outcome ("ok", the platform’s error, "timeout", "unreachable", "bad_answer")',
      labelNames: ['provider', 'api', 'outcome'],
      registers,
    });
    this.platformDuration = new Histogram({
      name: 'weapp_auth_platform_call_duration_seconds',
      help: 'The other platforms’ API latency by provider and API, each attempt',
      labelNames: ['provider', 'api'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.redisFallbacks = new Counter({
      name: 'weapp_auth_redis_fallbacks_total',
      help: 'Shared-state operations (rate-limit counts, locks, caches, revocation news) done in this instance’s memory because Redis could not be reached',
      labelNames: ['operation'],
      registers,
    });
    new Gauge({
      name: 'weapp_auth_active_sessions',
      help: 'Sessions neither revoked nor expired',
      registers,
      async collect(): Promise<void> {
        this.set(await sources.activeSessions());
      },
    });
    const pool = new Gauge({
      name: 'weapp_auth_db_pool_connections',
      help: 'Database pool connections by state (waiting = requests queued for a connection)',
      labelNames: ['state'],
      registers,
      collect(): void {
        const stats = sources.poolStats();
        pool.set({ state: 'total' }, stats.total);
        pool.set({ state: 'idle' }, stats.idle);
        pool.set({ state: 'waiting' }, stats.waiting);
      },
    });
  }

  /** The WeChat client's observer: one observation per attempt. */
  observePlatform(provider: string, call: PlatformCall): void {
    this.platformCalls.inc({ provider, api: call.api, outcome: call.outcome });
    this.platformDuration.observe({ provider, api: call.api }, call.durationMs / 1000);
  }

  observeWechat(event: UpstreamCall): void {
    this.wechatCalls.inc({ api: event.api, errcode: event.errcode === undefined ? 'none' : String(event.errcode) });
    this.wechatDuration.observe({ api: event.api }, event.durationMs / 1000);
  }
}
