import type { LoginCredential, LoginOptions, Platform } from '../platform.js';
import { type AlipayApi, alipayPhoneProof, hostMy } from './alipay.js';
import {
  answerOrFailure,
  type Callbacks,
  credentialOf,
  invoke,
  type MiniProgramRequestOption,
  type MiniProgramResponse,
  type ProviderId,
  type SyncStorageApi,
  syncStorage,
} from './shared.js';

interface FailResult {
  errMsg: string;
}

/** `request` and storage as wx has them, and tt, qq, swan, ks and uni after it. */
export interface WxLikeRequestApi extends SyncStorageApi {
  request(option: MiniProgramRequestOption & { success?(result: MiniProgramResponse): void; fail?(error: FailResult): void }): unknown;
}

/**
 * The callback style `wx` and `uni` share (uni without callbacks returns a promise whose shape differs between its
 * Vue 2 and Vue 3 builds, so callbacks are the stable choice). Method shorthand keeps the parameter checks
 * bivariant, so `wx` from miniprogram-api-typings is assignable as it is. `qq` and `ks` have the same shape.
 */
export interface CallbackMiniProgramApi extends WxLikeRequestApi {
  login(option: { provider?: string; success?(result: { code: string }): void; fail?(error: FailResult): void }): unknown;
}

/** Douyin's `tt`: `tt.login` gives `code` only to a user logged in to the host app, `anonymousCode` always. */
export interface DouyinApi extends WxLikeRequestApi {
  login(option: { force?: boolean } & Callbacks<{ code?: string; anonymousCode?: string; isLogin?: boolean }>): unknown;
}

/** Baidu's `swan`: `swan.getLoginCode` replaces the deprecated `swan.login`. */
export interface BaiduApi extends WxLikeRequestApi {
  getLoginCode?(option: Callbacks<{ code: string }>): unknown;
  login(option: Callbacks<{ code: string }>): unknown;
}

/** The runtime every wx-like platform shares; only the provider id and the way to a credential differ. */
function wxLike(api: WxLikeRequestApi, provider: string, login: (options: LoginOptions) => Promise<LoginCredential>): Platform {
  return {
    provider,
    send: (request) =>
      new Promise((resolve, reject) => {
        api.request({ ...request, dataType: 'json', ...answerOrFailure(resolve, reject) });
      }),
    login: (options = {}) => login(options),
    ...syncStorage(api),
  };
}

function codeLogin(login: (callbacks: Callbacks<{ code: string }>) => unknown): () => Promise<LoginCredential> {
  return async () => credentialOf(await invoke(login));
}

/** A host of wx's shape whose `login` answers `{code}`. */
function codeHost(provider: ProviderId): (api: CallbackMiniProgramApi) => Platform {
  return (api) =>
    wxLike(
      api,
      provider,
      codeLogin((callbacks) => api.login(callbacks)),
    );
}

/** WeChat's `wx` (or any object with its callback shape) as a Platform. */
export const wxPlatform: (api: CallbackMiniProgramApi) => Platform = codeHost('wechat');

/** QQ's `qq`: wx's shape, `qq.login` gives a code. */
export const qqPlatform: (api: CallbackMiniProgramApi) => Platform = codeHost('qq');

/** Kuaishou's `ks`: wx's shape, `ks.login` gives a code. */
export const ksPlatform: (api: CallbackMiniProgramApi) => Platform = codeHost('kuaishou');

/**
 * Douyin's `tt`. Logins ask with `force: false` unless told otherwise, so they stay silent: a user not logged in to
 * the host app gets only an anonymousCode and logs in as a guest. `login({ force: true })` asks them to log in.
 */
export function ttPlatform(api: DouyinApi): Platform {
  return wxLike(api, 'douyin', async ({ force }) =>
    credentialOf(await invoke((callbacks) => api.login({ force: force === true, ...callbacks }))),
  );
}

/** Baidu's `swan`: `getLoginCode` where the base library has it, the deprecated `login` before. */
export function swanPlatform(api: BaiduApi): Platform {
  return wxLike(
    api,
    'baidu',
    codeLogin((callbacks) => (api.getLoginCode === undefined ? api.login(callbacks) : api.getLoginCode(callbacks))),
  );
}

/** uni-app's `uni`: its compile target (`uniPlatform`) names the host, hence our provider and uni.login's. */
export interface UniApi extends WxLikeRequestApi {
  login(option: Record<string, unknown> & Callbacks<{ code?: string; authCode?: string; anonymousCode?: string }>): unknown;
  getSystemInfoSync?(): { uniPlatform?: string };
}

const UNI_TARGETS: Readonly<Record<string, ProviderId>> = {
  'mp-weixin': 'wechat',
  'mp-toutiao': 'douyin',
  'mp-alipay': 'alipay',
  'mp-qq': 'qq',
  'mp-baidu': 'baidu',
  'mp-kuaishou': 'kuaishou',
};

/** uni.login's `provider` per host, as uni.getProvider({service: 'oauth'}) names them; Kuaishou's needs none. */
const UNI_LOGIN_PROVIDERS: Readonly<Partial<Record<string, string>>> = {
  wechat: 'weixin',
  douyin: 'toutiao',
  alipay: 'alipay',
  qq: 'qq',
  baidu: 'baidu',
};

/** The provider id of the host uni-app compiled for; WeChat when uni cannot tell (uni-app before `uniPlatform`). */
export function uniProvider(api: Pick<UniApi, 'getSystemInfoSync'>): string {
  const target = api.getSystemInfoSync?.().uniPlatform;
  return (target === undefined ? undefined : UNI_TARGETS[target]) ?? 'wechat';
}

/**
 * `uni` as a Platform. uni.login passes the host's answer through (Alipay's authCode as `code`, Douyin's
 * anonymousCode beside it); `force` reaches tt.login and `scopes` my.getAuthCode. On Alipay the phone number comes
 * from my.getPhoneNumber, on the `my` uni-app leaves in place there (`alipay` to give another).
 */
export function uniPlatform(
  api: UniApi,
  provider: string = uniProvider(api),
  alipay: Pick<AlipayApi, 'getPhoneNumber'> | undefined = hostMy(),
): Platform {
  const loginProvider = UNI_LOGIN_PROVIDERS[provider];
  const platform = wxLike(api, provider, async ({ force }) =>
    credentialOf(
      await invoke((callbacks) =>
        api.login({
          ...(loginProvider === undefined ? {} : { provider: loginProvider }),
          ...(provider === 'douyin' ? { force: force === true } : {}),
          ...(provider === 'alipay' ? { scopes: 'auth_base' } : {}),
          ...callbacks,
        }),
      ),
    ),
  );
  return provider === 'alipay' ? { ...platform, phoneProof: () => alipayPhoneProof(alipay) } : platform;
}
