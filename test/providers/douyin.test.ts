import { createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../src/contract/errors/index.js';
import type { SessionAccount } from '../../src/core/identity-provider.js';
import { WeappAuthError } from '../../src/lib/errors.js';
import { DouyinApi } from '../../src/providers/douyin/api/douyin-api.js';
import { ERR_NO } from '../../src/providers/douyin/api/wire.js';
import { DouyinMiniProgramProvider } from '../../src/providers/douyin/miniprogram/provider.js';
import { type RunningDouyinSimulator, startDouyinSimulator } from '../../src/providers/douyin/simulator/index.js';
import { MemoryKv } from '../../src/store/kv/kv.js';
import { DOUYIN_APP_A, DOUYIN_APP_B, douyinControl, phoneKeyPair } from '../support/douyin.js';
import { rejectionOf } from '../support/rejection.js';
import { defineProviderConformance } from './provider-conformance.js';

interface Minted {
  code: string;
  subject: string;
  anonymousCode: string;
  anonymousOpenid: string;
}

const keys = phoneKeyPair();
let simulator: RunningDouyinSimulator;

async function open(): Promise<{ provider: DouyinMiniProgramProvider; close(): Promise<void> }> {
  simulator = await startDouyinSimulator({ apps: [{ ...DOUYIN_APP_A, publicKey: keys.publicKey }, DOUYIN_APP_B] });
  const douyin = new DouyinApi({ baseUrl: simulator.url, timeoutMs: 1_000, retries: 2 });
  const phonePrivateKey = createPrivateKey(keys.privateKey);
  const provider = new DouyinMiniProgramProvider({
    douyin,
    apps: [{ ...DOUYIN_APP_A, phonePrivateKey }, DOUYIN_APP_B],
    tokenStore: new MemoryKv(),
    clock: Date.now,
  });
  return { provider, close: () => simulator.close() };
}

function mint(body: object): Promise<Minted> {
  return douyinControl<Minted>(simulator.url, '/codes', body);
}

// Douyin mini programs over real HTTP against the simulator, logging in with tt.login's code alone.
defineProviderConformance('douyin mini program', {
  open,
  async mint(app, user = {}) {
    const minted = await mint({ appid: app, subject: user.subject, unionid: user.unionKey, sessionKey: user.secret });
    return { code: minted.code, subject: minted.subject };
  },
});

describe('douyin provider', () => {
  let provider: DouyinMiniProgramProvider;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ provider, close } = await open());
  });
  afterAll(async () => close());

  const app = DOUYIN_APP_A.appid;
  const fault = (api: string, errNo: number, times = 1): Promise<void> => douyinControl(simulator.url, '/faults', { api, errNo, times });

  it('logs a guest in by the device alone, and the same device as the same guest', async () => {
    const first = await mint({ appid: app, guest: true, device: 'phone-1' });
    const again = await mint({ appid: app, guest: true, device: 'phone-1' });
    const guest = await provider.exchange(app, { anonymousCode: first.anonymousCode });
    expect(guest).toEqual({ provider: 'douyin', app, subject: `anonymous:${first.anonymousOpenid}`, guest: true });
    expect((await provider.exchange(app, { anonymousCode: again.anonymousCode })).subject).toBe(guest.subject);
  });

  it('logs a real user in with code + anonymousCode, superseding the device’s guest', async () => {
    const minted = await mint({ appid: app, device: 'phone-2', unionid: 'union-phone-2' });
    const identity = await provider.exchange(app, { code: minted.code, anonymousCode: minted.anonymousCode });
    expect(identity).toMatchObject({ subject: minted.subject, union: { family: 'douyin', key: 'union-phone-2' } });
    expect(identity.supersedes).toEqual([`anonymous:${minted.anonymousOpenid}`]);
    expect(identity.guest).toBeUndefined();
    expect(identity.subject.startsWith('anonymous:')).toBe(false);
  });

  it('refuses a login with neither code', async () => {
    expect((await rejectionOf(provider.exchange(app, {}), WeappAuthError)).code).toBe('VALIDATION_FAILED');
  });

  it('refuses a spent anonymousCode as INVALID_CODE (Douyin’s 40019)', async () => {
    const minted = await mint({ appid: app, guest: true });
    await provider.exchange(app, { anonymousCode: minted.anonymousCode });
    const error = await rejectionOf(provider.exchange(app, { anonymousCode: minted.anonymousCode }), WeappAuthError);
    expect([error.code, error.details?.errNo]).toEqual(['INVALID_CODE', ERR_NO.BAD_ANONYMOUS_CODE]);
  });

  it.each([
    [ERR_NO.BAD_PARAMS, 'DOUYIN_BAD_RESPONSE', 502],
    [ERR_NO.BAD_APPID, 'DOUYIN_CREDENTIALS_REJECTED', 502],
    [ERR_NO.BAD_SECRET, 'DOUYIN_CREDENTIALS_REJECTED', 502],
    [ERR_NO.BAD_CODE, 'INVALID_CODE', 400],
    [ERR_NO.BAD_ANONYMOUS_CODE, 'INVALID_CODE', 400],
    [ERR_NO.TOO_FREQUENT, 'DOUYIN_RATE_LIMITED', 429],
    [ERR_NO.QUOTA_USED_UP, 'DOUYIN_RATE_LIMITED', 429],
    [ERR_NO.PLATFORM_NETWORK, 'DOUYIN_UNAVAILABLE', 503],
    [99999, 'DOUYIN_BAD_RESPONSE', 502],
  ] as const)('maps err_no %i to %s (%i), with err_no and log_id in the details', async (errNo, code, status) => {
    await fault('jscode2session', errNo);
    const minted = await mint({ appid: app });
    const error = await rejectionOf(provider.exchange(app, { code: minted.code }), WeappAuthError);
    expect([error.code, ERROR_STATUS[error.code]]).toEqual([code, status]);
    expect(error.details).toMatchObject({ errNo, logId: expect.stringMatching(/^\d{14}/) });
  });

  it('retries a busy Douyin (-1) with backoff and succeeds; gives up as DOUYIN_UNAVAILABLE after the retries', async () => {
    const before = (await (await fetch(`${simulator.url}/control/stats`)).json()) as { calls: Record<string, number> };
    await fault('jscode2session', ERR_NO.SYSTEM_BUSY, 2);
    const minted = await mint({ appid: app });
    expect((await provider.exchange(app, { code: minted.code })).subject).toBe(minted.subject);
    const after = (await (await fetch(`${simulator.url}/control/stats`)).json()) as { calls: Record<string, number> };
    expect((after.calls.jscode2session ?? 0) - (before.calls.jscode2session ?? 0)).toBe(3);

    await fault('jscode2session', ERR_NO.SYSTEM_BUSY, 3);
    const next = await mint({ appid: app });
    expect((await rejectionOf(provider.exchange(app, { code: next.code }), WeappAuthError)).code).toBe('DOUYIN_UNAVAILABLE');
  });

  async function sessionOf(appid: string): Promise<SessionAccount> {
    const minted = await mint({ appid });
    const identity = await provider.exchange(appid, { code: minted.code });
    return {
      userId: 'u',
      sessionId: 's',
      provider: 'douyin',
      app: appid,
      subject: identity.subject,
      secret: identity.secret,
      secretUpdatedAt: 1,
    };
  }

  it('proves a phone number by the button’s code: fetched with an app token, opened with the private key', async () => {
    const session = await sessionOf(app);
    const { code } = await douyinControl<{ code: string }>(simulator.url, '/phone', {
      appid: app,
      subject: session.subject,
      phoneNumber: '13800138000',
    });
    expect(await provider.phoneNumber(session, { code })).toEqual({
      phoneNumber: '13800138000',
      purePhoneNumber: '13800138000',
      countryCode: '86',
    });
    const again = await rejectionOf(provider.phoneNumber(session, { code }), WeappAuthError);
    expect([again.code, again.details?.errNo]).toEqual(['INVALID_PHONE_CODE', ERR_NO.PHONE_CODE_EXPIRED]);
  });

  it('says so when the console holds another key than DOUYIN_PRIVATE_KEY', async () => {
    const other = new DouyinMiniProgramProvider({
      douyin: new DouyinApi({ baseUrl: simulator.url, timeoutMs: 1_000, retries: 0 }),
      apps: [{ ...DOUYIN_APP_A, phonePrivateKey: createPrivateKey(phoneKeyPair().privateKey) }],
      tokenStore: new MemoryKv(),
      clock: Date.now,
    });
    const session = await sessionOf(app);
    const { code } = await douyinControl<{ code: string }>(simulator.url, '/phone', {
      appid: app,
      subject: session.subject,
      phoneNumber: '13800138000',
    });
    expect((await rejectionOf(other.phoneNumber(session, { code }), WeappAuthError)).code).toBe('DOUYIN_PHONE_KEY_MISMATCH');
  });

  it('proves a phone number by legacy encryptedData, checking its watermark, and refuses other proofs', async () => {
    const session = await sessionOf(app);
    const legacy = await douyinControl<{ encryptedData: string; iv: string }>(simulator.url, '/phone', {
      appid: app,
      subject: session.subject,
      phoneNumber: '5551234',
      countryCode: '1',
      legacy: true,
    });
    expect(await provider.phoneNumber(session, legacy)).toEqual({ phoneNumber: '+15551234', purePhoneNumber: '5551234', countryCode: '1' });
    const elsewhere = { ...session, app: DOUYIN_APP_B.appid };
    expect((await rejectionOf(provider.decrypt(elsewhere, legacy), WeappAuthError)).code).toBe('WATERMARK_MISMATCH');
    expect((await rejectionOf(provider.phoneNumber(session, { response: '{}' }), WeappAuthError)).code).toBe('PHONE_UNSUPPORTED');
    const stale = { ...session, secret: (await sessionOf(app)).secret };
    expect((await rejectionOf(provider.decrypt(stale, legacy), WeappAuthError)).code).toBe('SESSION_KEY_EXPIRED');
    const guest = { ...session, secret: undefined };
    expect((await rejectionOf(provider.decrypt(guest, legacy), WeappAuthError)).code).toBe('SESSION_KEY_EXPIRED');
  });
});
