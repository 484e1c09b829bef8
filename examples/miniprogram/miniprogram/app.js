// @ts-check
// One client for the whole app: its single-flight login/refresh and its request queue only work if shared.
const { createAuthClient, wxPlatform } = require('weapp-auth');
const { BASE_URL, USE_SIMULATOR } = require('./config');
const { simulatorLogin } = require('./simulator-login');

// A Platform is five functions; replacing `login` is all it takes to develop against the simulator.
const platform = USE_SIMULATOR ? Object.assign(wxPlatform(wx), { login: simulatorLogin }) : wx;

App({
  auth: createAuthClient({ platform, baseUrl: BASE_URL }),
});
