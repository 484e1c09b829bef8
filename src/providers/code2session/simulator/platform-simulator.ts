/**
 * A simulator for any code→session platform, from a spec of its wire: its APIs (paths, methods, where parameters
 * travel, answer and error shapes), its code lifetime and session_key size. Each platform folder declares the spec;
 * this frame gives all of them the same memory, fault injection, clock and control API (seam.md's convention), and
 * the control API the same guard as every simulator's (simulator-kit).
 */
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply } from 'fastify';
import { acceptAnyBodyAsText } from '../../simulator-kit/body.js';
import { SimClock } from '../../simulator-kit/clock.js';
import { badRequest, ControlError } from '../../simulator-kit/control-errors.js';
import { guardControlScope } from '../../simulator-kit/control-scope.js';
import { FaultQueue } from '../../simulator-kit/faults.js';
import { equalInConstantTime } from '../../simulator-kit/secrets.js';
import { CallStats } from '../../simulator-kit/stats.js';
import { type EncryptedUserData, sealUserData } from '../../simulator-kit/user-data.js';
import { objectSchema } from '../../wechat/simulator/control-schemas.js';
import { CodeStore, type SimUser } from './code-store.js';

export interface SimApp {
  appid: string;
  secret: string;
}

/** A platform error a simulated API answers with (its number or string), thrown by handlers. */
export class PlatformRefusal extends Error {
  constructor(
    readonly error: string,
    message?: string,
  ) {
    super(message ?? error);
  }
}

export interface SimFault {
  /** Answer this platform error instead of the normal answer. */
  error?: string;
  /** Hold the answer this long first; alone, it delays a normal answer. */
  delayMs?: number;
  /** Answer this raw text (an HTML error page) with HTTP 502 instead. */
  body?: string;
}

export interface PlatformSimState {
  /** Configuration, not state: survives reset. */
  readonly apps: ReadonlyMap<string, string>;
  clock: SimClock;
  codes: CodeStore;
  faults: FaultQueue<string, SimFault>;
  calls: CallStats<string>;
}

/** Parameters of a call as the platform reads them: the query for GET, the form body (then the query) for POST. */
export type CallParams = Readonly<Record<string, string | undefined>>;

export interface SimulatedApi {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  handle(params: CallParams, state: PlatformSimState): object;
}

export interface SimulatorSpec {
  /** 'QQ mini program API' in banners. */
  title: string;
  /** The shape of the platform's app ids, so a configuration typo stops the start. */
  appPattern: RegExp;
  defaultApp: SimApp;
  codeLifetimeMs: number;
  sessionKeyBytes: 16 | 24;
  plaintext: 'json' | 'length-prefixed';
  newSubject(): string;
  newCode(): string;
  apis: readonly SimulatedApi[];
  /** The platform's answer to a refusal: its HTTP status and error body. */
  refusalAnswer(refusal: PlatformRefusal, nowSeconds: number): { status: number; body: object };
  /** What getPhoneNumber's encryptedData holds, before sealing. */
  phoneData(phone: { purePhoneNumber: string; countryCode: string }, appid: string, nowSeconds: number): object;
  /** Whether encrypted data carries `watermark: {appid, timestamp}` (QQ, like WeChat). */
  watermark: boolean;
}

export function createPlatformSimState(spec: SimulatorSpec, apps: readonly SimApp[]): PlatformSimState {
  const known = new Map<string, string>();
  for (const { appid, secret } of apps.length > 0 ? apps : [spec.defaultApp]) {
    if (!spec.appPattern.test(appid)) throw new Error(`invalid app "${appid}": expected ${spec.appPattern}`);
    if (!/^[\x21-\x7e]{1,128}$/.test(secret)) throw new Error(`invalid secret for ${appid}: expected 1-128 printable characters`);
    if (known.has(appid)) throw new Error(`app ${appid} is configured twice`);
    known.set(appid, secret);
  }
  return freshState(spec, known);
}

function freshState(spec: SimulatorSpec, apps: ReadonlyMap<string, string>): PlatformSimState {
  const codes = new CodeStore({
    codeLifetimeMs: spec.codeLifetimeMs,
    sessionKeyBytes: spec.sessionKeyBytes,
    newSubject: spec.newSubject,
    newCode: spec.newCode,
  });
  return { apps, clock: new SimClock(), codes, faults: new FaultQueue(), calls: new CallStats(spec.apis.map((api) => api.name)) };
}

export type PlatformSimOptions = { hosts?: string[] } & ({ apps?: SimApp[] } | { state: PlatformSimState });

export interface RunningPlatformSimulator {
  /** Base URL to use in place of the platform's API host (no trailing slash). */
  url: string;
  state: PlatformSimState;
  close(): Promise<void>;
}

/** The simulator of one platform: a Fastify plugin (mounted e.g. under /sim/<id>) and a standalone server. */
export function platformSimulator(spec: SimulatorSpec): {
  plugin: FastifyPluginAsync<PlatformSimOptions>;
  createState(apps: readonly SimApp[]): PlatformSimState;
  start(options?: PlatformSimOptions & { port?: number; host?: string }): Promise<RunningPlatformSimulator>;
} {
  // Deliberately not wrapped in fastify-plugin: its body parsing and error handlers stay its own.
  const plugin: FastifyPluginAsync<PlatformSimOptions> = async (scope, options) => {
    const state = 'state' in options ? options.state : createPlatformSimState(spec, options.apps ?? []);
    acceptAnyBodyAsText(scope);
    for (const api of spec.apis) platformRoute(scope, spec, state, api);
    const hosts = (options.hosts ?? []).map((host) => host.toLowerCase());
    await scope.register(async (control) => controlRoutes(control, spec, state, hosts), { prefix: '/control' });
  };
  return {
    plugin,
    createState: (apps) => createPlatformSimState(spec, apps),
    async start(options = {}) {
      // No logger: request URLs and bodies carry secrets and codes. Connections are cut on close so a request held by
      // a delay fault cannot stall shutdown.
      const app = Fastify({ logger: false, forceCloseConnections: true });
      const host = options.host ?? '127.0.0.1';
      const state = 'state' in options ? options.state : createPlatformSimState(spec, options.apps ?? []);
      await app.register(plugin, { state, hosts: [host, ...(options.hosts ?? [])] });
      await app.listen({ port: options.port ?? 0, host });
      const { port } = app.server.address() as AddressInfo;
      return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, state, close: async () => void (await app.close()) };
    },
  };
}

function platformRoute(scope: FastifyInstance, spec: SimulatorSpec, state: PlatformSimState, api: SimulatedApi): void {
  scope.route({
    method: api.method,
    url: api.path,
    handler: async (request, reply) => {
      state.calls.record(api.name);
      const fault = state.faults.take(api.name);
      // Unref'd so a hanging fault never keeps a closing process alive.
      if (fault?.delayMs) await sleep(fault.delayMs, undefined, { ref: false });
      if (fault?.body !== undefined) return send(reply, 502, 'text/html; charset=utf-8', fault.body);
      let status = 200;
      let answer: object;
      try {
        if (fault?.error !== undefined) throw new PlatformRefusal(fault.error);
        answer = api.handle(paramsOf(api.method, request.query, request.body), state);
      } catch (error) {
        if (!(error instanceof PlatformRefusal)) throw error;
        ({ status, body: answer } = spec.refusalAnswer(error, state.clock.nowSeconds()));
      }
      return send(reply, status, 'application/json', JSON.stringify(answer));
    },
  });
}

function send(reply: FastifyReply, status: number, contentType: string, text: string): FastifyReply {
  return reply.code(status).header('content-type', contentType).send(Buffer.from(text));
}

function paramsOf(method: 'GET' | 'POST', query: unknown, body: unknown): CallParams {
  const fromQuery = Object.entries((query ?? {}) as Record<string, unknown>).map(([key, value]) => [
    key,
    Array.isArray(value) ? value[0] : value,
  ]);
  const fromBody = method === 'POST' && typeof body === 'string' ? [...new URLSearchParams(body)] : [];
  // Later entries win: a form field overrides the same name in the query.
  return Object.fromEntries([...fromQuery, ...fromBody].filter(([, value]) => typeof value === 'string'));
}

/** Whether an app id and secret are one of the simulator's apps, compared in constant time. */
export function authenticate(
  state: PlatformSimState,
  appid: string | undefined,
  secret: string | undefined,
): 'unknown_app' | 'bad_secret' | 'ok' {
  const expected = appid === undefined ? undefined : state.apps.get(appid);
  if (expected === undefined) return 'unknown_app';
  return secret !== undefined && equalInConstantTime(secret, expected) ? 'ok' : 'bad_secret';
}

const subjectField = { type: 'string', pattern: '^[A-Za-z0-9_@.=+/-]{1,128}$' } as const;
const appField = { type: 'string', minLength: 1, maxLength: 64 } as const;

async function controlRoutes(
  scope: FastifyInstance,
  spec: SimulatorSpec,
  state: PlatformSimState,
  hosts: readonly string[],
): Promise<void> {
  guardControlScope(scope, hosts);
  const base64Length = 4 * Math.ceil(spec.sessionKeyBytes / 3);
  const sessionKey = { type: 'string', pattern: `^[A-Za-z0-9+/]{${base64Length - 2}}[A-Za-z0-9+/=]{2}$` };
  const codesBody = objectSchema({ appid: appField, subject: subjectField, unionid: subjectField, sessionKey });
  scope.post<{ Body: { appid?: string; subject?: string; unionid?: string; sessionKey?: string } }>(
    '/codes',
    { schema: { body: codesBody } },
    async (request) => {
      const { subject, unionid, sessionKey: key } = request.body;
      const appid = knownApp(state, request.body.appid);
      const { code, user } = state.codes.mint(appid, { subject, unionid, sessionKey: key }, state.clock.nowMs());
      return { code, subject: user.subject, ...(user.unionid === undefined ? {} : { unionid: user.unionid }), sessionKey: user.sessionKey };
    },
  );

  const phoneBody = objectSchema(
    {
      appid: appField,
      subject: subjectField,
      phoneNumber: { type: 'string', pattern: '^[0-9]{4,20}$' },
      countryCode: { type: 'string', pattern: '^[1-9][0-9]{0,3}$' },
    },
    ['subject', 'phoneNumber'],
  );
  scope.post<{ Body: { appid?: string; subject: string; phoneNumber: string; countryCode?: string } }>(
    '/phone',
    { schema: { body: phoneBody } },
    async (request): Promise<EncryptedUserData> => {
      const appid = knownApp(state, request.body.appid);
      const user = knownUser(state, appid, request.body.subject);
      const phone = { purePhoneNumber: request.body.phoneNumber, countryCode: request.body.countryCode ?? '86' };
      return seal(spec, state, user, spec.phoneData(phone, appid, state.clock.nowSeconds()));
    },
  );

  const encryptBody = objectSchema({ appid: appField, subject: subjectField, data: { type: 'object' } }, ['subject', 'data']);
  scope.post<{ Body: { appid?: string; subject: string; data: Record<string, unknown> } }>(
    '/encrypt',
    { schema: { body: encryptBody } },
    async (request): Promise<EncryptedUserData> => {
      const appid = knownApp(state, request.body.appid);
      return seal(spec, state, knownUser(state, appid, request.body.subject), request.body.data);
    },
  );

  const faultBody = objectSchema(
    {
      api: { type: 'string', enum: spec.apis.map((api) => api.name) },
      error: { anyOf: [{ type: 'string', minLength: 1, maxLength: 200 }, { type: 'integer' }] },
      delayMs: { type: 'integer', minimum: 0, maximum: 600_000 },
      times: { type: 'integer', minimum: 1, maximum: 10_000 },
      body: { type: 'string', maxLength: 1_000_000 },
    },
    ['api'],
  );
  scope.post<{ Body: { api: string; error?: string | number; delayMs?: number; times?: number; body?: string } }>(
    '/faults',
    { schema: { body: faultBody } },
    async (request, reply) => {
      const { api, error, delayMs, body, times = 1 } = request.body;
      if (error === undefined && delayMs === undefined && body === undefined) throw badRequest('a fault needs error, delayMs or body');
      if (error !== undefined && body !== undefined) throw badRequest('give error or body, not both');
      state.faults.add(api, { ...(error === undefined ? {} : { error: String(error) }), delayMs, body }, times);
      return reply.code(204).send();
    },
  );
  scope.delete('/faults', async (_request, reply) => {
    state.faults = new FaultQueue();
    return reply.code(204).send();
  });

  scope.get('/stats', async () => state.calls.snapshot());

  scope.post('/reset', async (_request, reply) => {
    Object.assign(state, freshState(spec, state.apps));
    return reply.code(204).send();
  });

  const clockBody = objectSchema({ advanceSeconds: { type: 'integer', minimum: 0, maximum: 10 * 366 * 86400 } }, ['advanceSeconds']);
  scope.post<{ Body: { advanceSeconds: number } }>('/clock', { schema: { body: clockBody } }, async (request) => {
    state.clock.advance(request.body.advanceSeconds);
    return { now: state.clock.nowSeconds() };
  });
}

function seal(spec: SimulatorSpec, state: PlatformSimState, user: SimUser, data: object): EncryptedUserData {
  const watermark = spec.watermark ? { watermark: { appid: user.appid, timestamp: state.clock.nowSeconds() } } : {};
  return sealUserData(spec.plaintext, user.sessionKey, { ...data, ...watermark }, user.appid);
}

function knownApp(state: PlatformSimState, appid: string | undefined): string {
  if (appid === undefined) return state.apps.keys().next().value as string;
  if (!state.apps.has(appid)) {
    throw new ControlError(404, 'UNKNOWN_APP', `the simulator knows no app ${appid}; it knows ${[...state.apps.keys()].join(', ')}`);
  }
  return appid;
}

function knownUser(state: PlatformSimState, appid: string, subject: string): SimUser {
  const user = state.codes.user(appid, subject);
  if (!user) throw new ControlError(404, 'UNKNOWN_USER', `no user ${subject} in app ${appid}: mint a code for it first`);
  return user;
}
