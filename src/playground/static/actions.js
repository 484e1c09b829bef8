// What each button on the phone does: the same calls a mini program and WeChat would make, in order, against the
// real endpoints on this origin. Each returns a note for the phone's screen when no HTTP answer explains itself.
import { exchange } from './exchange.js';

const FAULTS = {
  busy: { api: 'jscode2session', errcode: -1, times: 3 },
  blocked: { api: 'jscode2session', errcode: 40226 },
  flaky: { api: 'jscode2session', errcode: -1 },
};

const NEEDS_LOGIN = 'Log in first: wx.login is what creates this phone’s WeChat user in the simulator.';

function adoptTokens(state, body) {
  Object.assign(state, {
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    user: body.user,
    phone: body.user?.phone ?? state.phone,
    loggedOut: false,
    accessDiscarded: false,
  });
}

/** wx.login (the simulator mints a code for this phone's user, the same one every time) → POST /api/auth/login. */
export async function login(state) {
  const minted = await exchange('sim', 'wx.login: WeChat gives the phone a one-time code', 'POST', '/sim/control/codes', {
    json: state.openid ? { openid: state.openid } : {},
  });
  if (minted.status !== 200) return undefined;
  state.openid = minted.body.openid;
  const answer = await exchange('api', 'the mini program sends the code to weapp-auth', 'POST', '/api/auth/login', {
    json: { code: minted.body.code },
  });
  if (answer.status === 200) adoptTokens(state, answer.body);
  return undefined;
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

/** The getPhoneNumber button today: WeChat gives a phone code; the server asks WeChat for the number. */
export async function phoneByCode(state, phoneNumber) {
  if (!state.openid) return NEEDS_LOGIN;
  const minted = await exchange('sim', 'getPhoneNumber button: WeChat gives the phone a phone code', 'POST', '/sim/control/phone-codes', {
    json: { openid: state.openid, phoneNumber },
  });
  if (minted.status !== 200) return undefined;
  const answer = await exchange('api', 'the mini program sends the phone code', 'POST', '/api/me/phone', {
    token: state.accessToken,
    json: { code: minted.body.code },
  });
  if (answer.status === 200) state.phone = answer.body;
  return undefined;
}

/** The same button, the legacy way: encryptedData + iv, sealed with the user's session_key, decrypted by the server. */
export async function phoneLegacy(state, phoneNumber) {
  if (!state.openid) return NEEDS_LOGIN;
  const sealed = await exchange('sim', 'getPhoneNumber button (legacy): WeChat gives encryptedData + iv', 'POST', '/sim/control/encrypt', {
    json: { openid: state.openid, data: { phoneNumber, purePhoneNumber: phoneNumber, countryCode: '86' } },
  });
  if (sealed.status !== 200) return undefined;
  const answer = await exchange('api', 'the mini program sends encryptedData + iv', 'POST', '/api/me/phone', {
    token: state.accessToken,
    json: { encryptedData: sealed.body.encryptedData, iv: sealed.body.iv },
  });
  if (answer.status === 200) state.phone = answer.body;
  return undefined;
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
