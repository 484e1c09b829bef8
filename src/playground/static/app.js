// Wires the phone's buttons to the flows in actions.js and keeps the screen and the log in step with them.
// Tokens live only in this module's memory; everything displayed goes through mask.js.
import * as actions from './actions.js';
import { onExchange } from './exchange.js';
import { appendEntry } from './log.js';
import { renderAnswer, renderClock, renderNote, renderSession } from './screen.js';

const state = {
  openid: null,
  accessToken: null,
  refreshToken: null,
  user: null,
  // {phoneNumber, purePhoneNumber, countryCode}: the same object from /api/me/phone, /api/me and a login's user.
  phone: null,
  loggedOut: false,
  accessDiscarded: false,
};

const phoneNumber = () => document.getElementById('phone-number').value.trim();
const fault = () => document.getElementById('fault').value;

const ACTIONS = {
  login: () => actions.login(state),
  me: () => actions.me(state),
  tampered: () => actions.tampered(state),
  expire: () => actions.expire(state),
  refresh: () => actions.refresh(state),
  'phone-code': () => actions.phoneByCode(state, phoneNumber()),
  'phone-legacy': () => actions.phoneLegacy(state, phoneNumber()),
  fault: () => actions.faultThenLogin(state, fault()),
  logout: () => actions.logout(state),
};

const log = document.getElementById('log');
onExchange((record) => {
  appendEntry(log, record);
  document.getElementById('log-empty').hidden = true;
  if (record.kind === 'api') renderAnswer(record);
});

document.querySelector('.actions').addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button || document.body.classList.contains('busy')) return;
  // One flow at a time, like a real page that disables its buttons while a request is out.
  document.body.classList.add('busy');
  try {
    const note = await ACTIONS[button.dataset.action]();
    if (note) renderNote(note);
    renderSession(state);
  } finally {
    document.body.classList.remove('busy');
  }
});

document.querySelector('[data-action="clear-log"]').addEventListener('click', () => {
  log.replaceChildren();
  document.getElementById('log-empty').hidden = false;
});

renderSession(state);
renderClock();
setInterval(() => {
  renderClock();
  renderSession(state);
}, 1000);
