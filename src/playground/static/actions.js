// What each button on the phone does: the same calls a mini program and its host app would make, in order, against
// the real endpoints on this origin. Each returns a note for the phone's screen when no HTTP answer explains itself.
import { exchange } from './exchange.js';

const FAULTS = {
  busy: { api: 'jscode2session', errcode: -1, times: 3 },
  blocked: { api: 'jscode2session', errcode: 40226 },
  flaky: { api: 'jscode2session', errcode: -1 },
};

/**
 * What each host calls its login and phone APIs, and the extras its simulator takes beyond the control convention
 * (docs/playground.md). A provider not named here still plays: the convention alone drives it.
 */
const HOSTS = {
  wechat: { login: 'wx.login', phone: 'getPhoneNumber button', legacyPhone: true },
  douyin: { login: 'tt.login', phone: 'getPhoneNumber button', legacyPhone: true, guests: true },
  qq: { login: 'qq.login', phone: 'getPhoneNumber button' },
  baidu: { login: 'swan.getLoginCode', phone: 'getPhoneNumber button' },
  kuaishou: { login: 'ks.login', phone: 'getPhoneNumber button' },
  alipay: { login: 'my.getAuthCode', phone: 'my.getPhoneNumber' },
};

/** WeChat's simulator: at /sim with its own control routes, on the server's default WeChat app. */
export const WECHAT = { provider: 'wechat', title: 'WeChat', base: '/sim', appid: null };

export function hostOf(platform) {
  return HOSTS[platform.provider] ?? { login: `${platform.provider} login`, phone: 'phone button' };
}

/** The simulated person this phone is on the platform's app: the same one every login, until “Someone new”. */
const personKey = (platform) => `${platform.provider} ${platform.appid}`;
const subjectOf = (state) => state.subjects[personKey(state.platform)];

const NEEDS_LOGIN = 'Log in first: the login is what creates this phone’s user in the platform’s simulator.';

function adoptTokens(state, body) {
  Object.assign(state, {
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    user: body.user,
    isNewUser: body.isNewUser,
    phone: body.user?.phone ?? null,
    loggedOut: false,
    accessDiscarded: false,
  });
}

/** The host's login API: the simulator mints a code (and Douyin an anonymousCode for this device). */
async function mintLogin(state, extra) {
  const { platform } = state;
  const host = hostOf(platform);
  if (platform.provider === 'wechat') {
    const openid = subjectOf(state);
    const minted = await exchange('sim', 'wx.login: WeChat gives the phone a one-time code', 'POST', '/sim/control/codes', {
      json: openid ? { openid } : {},
    });
    return minted.status === 200 ? { ...minted.body, subject: minted.body.openid } : undefined;
  }
  const subject = extra.guest ? undefined : subjectOf(state);
  const label = extra.guest
    ? `${host.login}, the user not logged in to the host app: only an anonymousCode for this device`
    : `${host.login}: the host app gives the phone a one-time code`;
  const minted = await exchange('sim', label, 'POST', `${platform.base}/control/codes`, {
    json: { appid: platform.appid, ...(subject ? { subject } : {}), ...(host.guests ? { device: state.device } : {}), ...extra },
  });
  return minted.status === 200 ? minted.body : undefined;
}

/** What the mini program sends to POST /api/auth/login: WeChat's default app needs only the code. */
function loginBody(platform, minted) {
  const credential = {
    ...(minted.code ? { code: minted.code } : {}),
    ...(minted.anonymousCode ? { anonymousCode: minted.anonymousCode } : {}),
  };
  return platform.provider === 'wechat' ? credential : { provider: platform.provider, appid: platform.appid, ...credential };
}

async function logInWith(state, extra) {
  const minted = await mintLogin(state, extra);
  if (minted === undefined) return;
  if (minted.subject) state.subjects[personKey(state.platform)] = minted.subject;
  const body = loginBody(state.platform, minted);
  const sent = ['code', 'anonymousCode'].filter((field) => field in body).join(' + ');
  const answer = await exchange('api', `the mini program sends ${sent} to weapp-auth`, 'POST', '/api/auth/login', { json: body });
  if (answer.status === 200) adoptTokens(state, answer.body);
}

/** The host's login → POST /api/auth/login: a new user the first time, the same user after. */
export async function login(state) {
  await logInWith(state, {});
  return undefined;
}

/** Douyin, the user not logged in to Douyin: tt.login gives only an anonymousCode; the server makes a guest. */
export async function guestLogin(state) {
  if (!hostOf(state.platform).guests) return `${state.platform.title} has no guests.`;
  await logInWith(state, { guest: true });
  return undefined;
}

/** Another person picks up the phone (another device too): the next logins are of new users. */
export function someoneNew(state) {
  state.subjects = {};
  state.device = newDeviceId();
  dropSession(state);
  return 'Someone new has the phone (a new device, too): the next login creates a new user.';
}

export function newDeviceId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `device-${[...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Forgets the session without logging out, as a mini program built for another host would not have it. `phone` is
 * {phoneNumber, purePhoneNumber, countryCode}: the same object from /api/me/phone, /api/me and a login's user.
 */
export function dropSession(state) {
  Object.assign(state, {
    accessToken: null,
    refreshToken: null,
    user: null,
    isNewUser: null,
    phone: null,
    loggedOut: false,
    accessDiscarded: false,
  });
}

export function switchPlatform(state, platform) {
  state.platform = platform;
  dropSession(state);
  return `Now ${platform.title}${platform.appid ? ` · ${platform.appid}` : ''}. The page dropped its tokens (no logout): log in.`;
}

export async function me(state) {
  const answer = await exchange('api', 'the profile, with the access token', 'GET', '/api/me', { token: state.accessToken });
  if (answer.status === 200) Object.assign(state, { user: answer.body, phone: answer.body.phone });
  return undefined;
}

/** A token with one character of its signature changed: the server must refuse it (401 TOKEN_INVALID). */
export async function tampered(state) {
  if (!state.accessToken) return 'No access token to tamper with: log in or refresh first.';
  const token = state.accessToken;
  const at = token.lastIndexOf('.') + 10;
  const forged = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
  await exchange('api', 'an access token whose signature was altered by one character', 'GET', '/api/me', { token: forged });
  return undefined;
}

/**
 * The server has no way to expire a token early, and a client cannot forge an expired one without the signing key.
 * So the page does what a client does when `expiresIn` has passed: it drops the access token. Refresh gets a new one.
 */
export async function expire(state) {
  if (!state.accessToken) return 'There is no access token to let expire.';
  Object.assign(state, { accessToken: null, accessDiscarded: true });
  return (
    'The page dropped its access token, as a client does once expiresIn has passed. Calls now go without one ' +
    '(401 TOKEN_MISSING). Tap “Refresh tokens” to trade the refresh token for a new pair.'
  );
}

export async function refresh(state) {
  const answer = await exchange('api', 'trade the refresh token for a new pair (the old one is now spent)', 'POST', '/api/auth/refresh', {
    json: { refreshToken: state.refreshToken ?? '' },
  });
  if (answer.status === 200) adoptTokens(state, answer.body);
  return undefined;
}

/** The proof a phone button gives, as PhoneProof names it: `{code}`, `{encryptedData, iv}` or Alipay's `{response}`. */
function phoneProof(body) {
  return Object.fromEntries(
    ['code', 'encryptedData', 'iv', 'response'].filter((field) => typeof body[field] === 'string').map((field) => [field, body[field]]),
  );
}

/** The phone button: the platform's simulator gives whatever proof its button gives; the server checks it. */
async function bindPhone(state, label, path, json) {
  if (!subjectOf(state) || !state.refreshToken) return NEEDS_LOGIN;
  const minted = await exchange('sim', label, 'POST', path, { json });
  if (minted.status !== 200) return undefined;
  const proof = phoneProof(minted.body);
  const answer = await exchange('api', `the mini program sends ${Object.keys(proof).join(' + ')}`, 'POST', '/api/me/phone', {
    token: state.accessToken,
    json: proof,
  });
  if (answer.status === 200) state.phone = answer.body;
  return undefined;
}

/** WeChat's getPhoneNumber button gives a phone code; every other platform's button gives what its simulator says. */
export async function phone(state, phoneNumber) {
  const { platform } = state;
  const subject = subjectOf(state);
  if (platform.provider === 'wechat') {
    return bindPhone(state, 'getPhoneNumber button: WeChat gives the phone a phone code', '/sim/control/phone-codes', {
      openid: subject,
      phoneNumber,
    });
  }
  const label = `${hostOf(platform).phone}: the host app gives the phone its proof of the number`;
  return bindPhone(state, label, `${platform.base}/control/phone`, { appid: platform.appid, subject, phoneNumber });
}

/** The same button the legacy way: encryptedData + iv, sealed with the user's session_key, opened by the server. */
export async function phoneLegacy(state, phoneNumber) {
  const { platform } = state;
  const subject = subjectOf(state);
  const label = `${hostOf(platform).phone} (legacy): the host app gives encryptedData + iv`;
  if (platform.provider === 'wechat') {
    const data = { phoneNumber, purePhoneNumber: phoneNumber, countryCode: '86' };
    return bindPhone(state, label, '/sim/control/encrypt', { openid: subject, data });
  }
  return bindPhone(state, label, `${platform.base}/control/phone`, { appid: platform.appid, subject, phoneNumber, legacy: true });
}

/** Queues a WeChat fault in the simulator, logs in through it, then drops whatever the login did not consume. */
export async function faultThenLogin(state, fault) {
  await exchange('sim', 'make WeChat misbehave on the next jscode2session calls', 'POST', '/sim/control/faults', {
    json: FAULTS[fault] ?? FAULTS.busy,
  });
  await login(state);
  await exchange('sim', 'clear any fault left over', 'DELETE', '/sim/control/faults');
  return undefined;
}

/** Logs out. The page keeps the revoked tokens, so the next calls show the server refusing them. */
export async function logout(state) {
  const answer = await exchange('api', 'log out: this session’s tokens stop working', 'POST', '/api/auth/logout', {
    token: state.accessToken,
  });
  if (answer.status === 204) state.loggedOut = true;
  return undefined;
}
