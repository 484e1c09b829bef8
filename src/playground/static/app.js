// Wires the phone's buttons to the flows in actions.js and keeps the screen and the log in step with them.
// Tokens live only in this module's memory; everything displayed goes through mask.js.
import * as actions from './actions.js';
import { exchange, onExchange } from './exchange.js';
import { appendEntry } from './log.js';
import { renderAnswer, renderClock, renderNote, renderPlatform, renderSession } from './screen.js';

const state = {
  platform: actions.WECHAT,
  // The simulated person's subject (openid, open_id…) per platform and app: the same user on every login.
  subjects: {},
  // Douyin names the device in each anonymousCode: a guest on this device becomes the user who logs in on it.
  device: actions.newDeviceId(),
};
// No session yet: tokens, user and phone all empty.
actions.dropSession(state);

/** The picker's choices by option value: WeChat, then each platform GET /sim/platforms lists, once per app. */
const platforms = new Map([['wechat', actions.WECHAT]]);

const phoneNumber = () => document.getElementById('phone-number').value.trim();
const fault = () => document.getElementById('fault').value;

const ACTIONS = {
  login: () => actions.login(state),
  guest: () => actions.guestLogin(state),
  'someone-new': () => actions.someoneNew(state),
  me: () => actions.me(state),
  tampered: () => actions.tampered(state),
  expire: () => actions.expire(state),
  refresh: () => actions.refresh(state),
  phone: () => actions.phone(state, phoneNumber()),
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

/** One flow at a time, like a real page that disables its buttons while a request is out. */
async function busyWhile(flow) {
  document.body.classList.add('busy');
  try {
    const note = await flow();
    if (note) renderNote(note);
    renderSession(state);
  } finally {
    document.body.classList.remove('busy');
  }
}

document.querySelector('.actions').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button || document.body.classList.contains('busy')) return;
  busyWhile(ACTIONS[button.dataset.action]);
});

const picker = document.getElementById('platform');
picker.addEventListener('change', () => {
  renderNote(actions.switchPlatform(state, platforms.get(picker.value)));
  renderPlatform(state.platform, actions.hostOf(state.platform));
  renderSession(state);
});

/** Fills the picker from GET /sim/platforms (WeChat's simulator is at /sim and not in that list). */
async function loadPlatforms() {
  const answer = await exchange('sim', 'which platforms this server simulates besides WeChat', 'GET', '/sim/platforms');
  for (const { provider, title, apps, base } of answer.status === 200 ? answer.body.platforms : []) {
    const group = document.createElement('optgroup');
    group.label = title;
    for (const appid of apps) {
      const value = `${provider} ${appid}`;
      platforms.set(value, { provider, title, base, appid });
      group.append(new Option(`${title} · ${appid}`, value));
    }
    picker.append(group);
  }
}

document.querySelector('[data-action="clear-log"]').addEventListener('click', () => {
  log.replaceChildren();
  document.getElementById('log-empty').hidden = false;
});

renderPlatform(state.platform, actions.hostOf(state.platform));
renderSession(state);
renderClock();
setInterval(() => {
  renderClock();
  renderSession(state);
}, 1000);
// The page starts busy (index.html) so that no button runs before the picker knows every platform.
busyWhile(loadPlatforms);
