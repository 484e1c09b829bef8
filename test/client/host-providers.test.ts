import { beforeAll, describe, expect, it } from 'vitest';
import {
  createAuthClient,
  ksPlatform,
  myPlatform,
  type Platform,
  qqPlatform,
  swanPlatform,
  ttPlatform,
  type User,
  uniPlatform,
} from '../../src/client/index.js';
import { useEmbeddedServer } from '../support/embedded-server.js';
import { call } from '../support/harness.js';
import { fakeMy, fakeSwan, fakeTt, fakeUni, fakeWxLike, type HostRecord, type Minted } from './fake-hosts.js';

/*
 * Each host against its own provider: a server in simulator mode simulates every registered platform under
 * /sim/<provider> (GET /sim/platforms lists them).
 */
const embedded = useEmbeddedServer();
let simulated: Map<string, { apps: string[]; base: string }>;

beforeAll(async () => {
  const listed = await call(embedded.server.url, 'GET', '/sim/platforms');
  const platforms = (listed.body as { platforms: Array<{ provider: string; apps: string[]; base: string }> }).platforms;
  simulated = new Map(platforms.map((p) => [p.provider, p]));
});

/** The platform's simulator: every platform the SDK runs on is simulated in simulator mode, so a missing one fails. */
function simulatorOf(provider: string): { app: string; base: string } {
  const platform = simulated.get(provider);
  if (platform === undefined || platform.apps[0] === undefined) throw new Error(`GET /sim/platforms does not list ${provider}`);
  return { app: platform.apps[0], base: `${embedded.server.url}${platform.base}` };
}

async function control(url: string, body: Record<string, unknown>): Promise<Record<string, string>> {
  const response = await call(url, 'POST', '', { json: body });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as Record<string, string>;
}

interface Host {
  host: HostRecord;
  platform: Platform;
}

/** Each host's native runtime, its logins minting codes for one user (`subject`) of the app. */
const HOSTS: Array<[string, string, (mint: () => Promise<Minted>, phone: () => Promise<Record<string, string>>) => Host]> = [
  [
    'douyin',
    'tt',
    (mint) => {
      const tt = fakeTt(mint, { loggedIn: true });
      return { host: tt, platform: ttPlatform(tt) };
    },
  ],
  [
    'alipay',
    'my',
    (mint, phone) => {
      const my = fakeMy(mint, async () => ({ response: (await phone()).response ?? '' }));
      return { host: my, platform: myPlatform(my) };
    },
  ],
  [
    'alipay',
    'uni on mp-alipay',
    (mint, phone) => {
      const uni = fakeUni(mint, 'mp-alipay');
      // uni-app leaves Alipay's `my` in place: the phone number comes from my.getPhoneNumber there too.
      const my = fakeMy(mint, async () => ({ response: (await phone()).response ?? '' }));
      return { host: uni, platform: uniPlatform(uni, undefined, my) };
    },
  ],
  [
    'qq',
    'qq',
    (mint) => {
      const qq = fakeWxLike(mint);
      return { host: qq, platform: qqPlatform(qq) };
    },
  ],
  [
    'baidu',
    'swan',
    (mint) => {
      const swan = fakeSwan(mint);
      return { host: swan, platform: swanPlatform(swan) };
    },
  ],
  [
    'kuaishou',
    'ks',
    (mint) => {
      const ks = fakeWxLike(mint);
      return { host: ks, platform: ksPlatform(ks) };
    },
  ],
];

describe('each host against its own provider', () => {
  for (const [provider, name, make] of HOSTS) {
    it(`${provider} through ${name}: logs in with its provider id and app, and binds the phone from its button`, async () => {
      const { app, base } = simulatorOf(provider);
      const subject = `user-${provider}-${Math.random().toString(36).slice(2)}`;
      const mint = async (): Promise<Minted> => {
        const minted = await control(`${base}/control/codes`, { appid: app, subject });
        return { code: minted.code, ...(minted.anonymousCode === undefined ? {} : { anonymousCode: minted.anonymousCode }) };
      };
      const phone = () => control(`${base}/control/phone`, { appid: app, subject, phoneNumber: '13800138000' });
      const { host, platform } = make(mint, phone);
      const client = createAuthClient({ platform, baseUrl: embedded.server.url, apps: { [provider]: app } });

      const { user, isGuest } = await client.login();
      expect(isGuest).toBe(false);
      expect(host.logins[0]).toMatchObject({ provider, appid: app, code: expect.any(String) });
      expect(user.phoneBound).toBe(false);

      // Alipay's button only grants; the SDK asks my.getPhoneNumber. The others' event detail carries the proof.
      const bound = await client.bindPhone(provider === 'alipay' ? { detail: {} } : { detail: await phone() });
      expect(bound.purePhoneNumber).toBe('13800138000');
      expect((await client.request<User>({ url: '/api/me' })).phoneBound).toBe(true);
    });
  }

  it('Douyin: a user not logged in to the host is a guest of the device, and logging in to the host keeps their user', async () => {
    const { app, base } = simulatorOf('douyin');
    const device = `device-${Math.random().toString(36).slice(2)}`;
    const state = { loggedIn: false };
    const tt = fakeTt(async (loggedIn) => {
      const minted = await control(`${base}/control/codes`, { appid: app, device, ...(loggedIn ? {} : { guest: true }) });
      return { ...(minted.code ? { code: minted.code } : {}), anonymousCode: minted.anonymousCode };
    }, state);
    const client = createAuthClient({ platform: ttPlatform(tt), baseUrl: embedded.server.url, apps: { douyin: app } });

    const guest = await client.login();
    expect(guest.isGuest).toBe(true);
    expect(tt.logins[0]).toEqual({ provider: 'douyin', appid: app, anonymousCode: expect.any(String) });

    const real = await client.login({ force: true });
    expect(tt.loginOptions).toEqual([{ force: false }, { force: true }]);
    expect(real.isGuest).toBe(false);
    expect(real.user.id).toBe(guest.user.id);
  });
});
