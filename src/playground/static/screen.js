// Draws the phone's screen from the page's state. Tokens appear masked (mask.js) with their remaining lifetime.
import { decodeJwt } from './jwt.js';
import { statusClass, statusText } from './log.js';
import { maskSecret } from './mask.js';

const byId = (id) => document.getElementById(id);

function sessionState(state) {
  if (state.loggedOut) return ['logged-out', 'Logged out'];
  if (state.refreshToken) return ['logged-in', 'Logged in'];
  return ['anonymous', 'Not logged in'];
}

function lifetime(token) {
  const exp = decodeJwt(token)?.payload.exp;
  if (typeof exp !== 'number') return '';
  const left = Math.round(exp - Date.now() / 1000);
  if (left <= 0) return ' · expired';
  return ` · expires in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
}

function accessTokenText(state) {
  if (state.accessDiscarded) return 'dropped (as if expired): refresh';
  if (!state.accessToken) return '—';
  if (state.loggedOut) return `${maskSecret(state.accessToken)} · revoked`;
  return `${maskSecret(state.accessToken)}${lifetime(state.accessToken)}`;
}

export function renderSession(state) {
  const [key, text] = sessionState(state);
  byId('session').dataset.state = key;
  byId('session-state').textContent = text;
  byId('user-id').textContent = state.user?.id ?? '—';
  byId('user-guest').textContent = state.user ? (state.user.guest ? 'yes: known by this device only' : 'no') : '—';
  byId('user-new').textContent = state.isNewUser === null ? '—' : state.isNewUser ? 'new user' : 'returning user';
  byId('user-phone').textContent = state.phone?.phoneNumber ?? '—';
  byId('access-token').textContent = accessTokenText(state);
  byId('refresh-token').textContent = state.refreshToken ? `${maskSecret(state.refreshToken)}${state.loggedOut ? ' · revoked' : ''}` : '—';
  renderClaims(state.accessToken);
}

/**
 * The picked platform: its name on the session card and the login button, and only the buttons it has (the
 * `data-for` providers of an element; WeChat's fault injection, Douyin's guests, the legacy phone button).
 */
export function renderPlatform(platform, host) {
  byId('platform-name').textContent = platform.appid ? `${platform.title} · ${platform.appid}` : platform.title;
  document.querySelector('button[data-action="login"]').textContent = `${host.login} → log in`;
  document.querySelector('button[data-action="phone"]').textContent = `${host.phone} → bind phone`;
  for (const element of document.querySelectorAll('[data-for]')) {
    element.hidden = !element.dataset.for.split(' ').includes(platform.provider);
  }
}

/** The access token's header and payload, decoded; the signature is not part of what is shown. */
function renderClaims(token) {
  const decoded = token ? decodeJwt(token) : null;
  byId('claims').hidden = decoded === null;
  byId('claims-body').textContent = decoded === null ? '' : JSON.stringify(decoded, null, 2);
}

/** The last answer weapp-auth gave (a masked record from exchange.js). */
export function renderAnswer(record) {
  const pill = byId('answer-status');
  pill.className = `status-pill ${statusClass(record.status)}`;
  pill.textContent = statusText(record.status);
  byId('answer-title').textContent = `${record.method} ${record.path} · ${record.ms} ms`;
  byId('answer-body').textContent = record.answer === null ? '(no body)' : JSON.stringify(record.answer, null, 2);
  byId('answer').hidden = false;
}

/** A step the page took on its own, with no HTTP answer to show. */
export function renderNote(text) {
  const pill = byId('answer-status');
  pill.className = 'status-pill note';
  pill.textContent = 'note';
  byId('answer-title').textContent = 'on the phone';
  byId('answer-body').textContent = text;
  byId('answer').hidden = false;
}

export function renderClock() {
  const now = new Date();
  byId('clock').textContent = `${now.getHours()}:${String(now.getMinutes()).padStart(2, '0')}`;
}
