/** Shared test plumbing: one in-process simulator per test file, reset before each test, spoken to over HTTP. */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  DEFAULT_SIMULATOR_APP,
  type RunningSimulator,
  type SimulatorOptions,
  startSimulator,
} from '../../src/providers/wechat/simulator/index.js';

export const APP = DEFAULT_SIMULATOR_APP;
export const RID_SUFFIX = /, rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

export interface Answer {
  status: number;
  contentType: string | null;
  text: string;
  json: Record<string, any>;
}

export interface SimulatorClient {
  readonly url: string;
  /** Any request; the body is sent as given when a string, else as JSON. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  get(path: string, query?: Record<string, string>): Promise<Answer>;
  post(path: string, body?: unknown, query?: Record<string, string>): Promise<Answer>;
  /** A minted wx.login code for a user (a new random one unless openid is given). */
  mintCode(body?: Record<string, unknown>): Promise<{ code: string; openid: string; unionid?: string; sessionKey: string }>;
  exchange(code: string, app?: { appid: string; secret: string }): Promise<Answer>;
  plainToken(): Promise<string>;
  advance(seconds: number): Promise<number>;
}

/** Starts a simulator for the file and resets its state before each test. */
export function useSimulator(options: SimulatorOptions = {}): SimulatorClient {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator(options);
  });
  afterAll(async () => {
    await simulator.close();
  });
  const client = clientFor(() => simulator.url);
  beforeEach(async () => {
    await client.post('/control/reset');
  });
  return client;
}

export function clientFor(baseUrl: () => string): SimulatorClient {
  const call: SimulatorClient['call'] = async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      if (typeof body !== 'string') init.headers = { 'content-type': 'application/json', ...headers };
    }
    const response = await fetch(baseUrl() + path, init);
    const text = await response.text();
    let json: Record<string, any> = {};
    try {
      json = JSON.parse(text);
    } catch {
      // Raw fault bodies and 204s are not JSON; tests read `text` then.
    }
    return { status: response.status, contentType: response.headers.get('content-type'), text, json };
  };
  const withQuery = (path: string, query?: Record<string, string>): string =>
    query ? `${path}?${new URLSearchParams(query).toString()}` : path;
  const client: SimulatorClient = {
    get url() {
      return baseUrl();
    },
    call,
    get: (path, query) => call('GET', withQuery(path, query)),
    post: (path, body, query) => call('POST', withQuery(path, query), body),
    async mintCode(body = {}) {
      const answer = await client.post('/control/codes', body);
      if (answer.status !== 200) throw new Error(`minting a code failed: ${answer.text}`);
      return answer.json as Awaited<ReturnType<SimulatorClient['mintCode']>>;
    },
    exchange: (code, app = APP) =>
      client.get('/sns/jscode2session', { appid: app.appid, secret: app.secret, js_code: code, grant_type: 'authorization_code' }),
    async plainToken() {
      const answer = await client.get('/cgi-bin/token', { grant_type: 'client_credential', appid: APP.appid, secret: APP.secret });
      return answer.json['access_token'] as string;
    },
    async advance(seconds) {
      return (await client.post('/control/clock', { advanceSeconds: seconds })).json['now'] as number;
    },
  };
  return client;
}
