// @ts-check
// One client for the whole app: its single-flight login/refresh and its request queue only work if shared.
const { createAuthClient, wxPlatform } = require('weapp-auth');
const { APPS, BASE_URL, USE_SIMULATOR } = require('./config');
const { simulatorLogin } = require('./simulator-login');

// A Platform is a handful of functions; replacing `login` is all it takes to develop against the simulator. With
// `platform` left out the SDK finds the host by itself (wx here; tt, my, qq, swan or ks on the others).
const platform = USE_SIMULATOR ? Object.assign(wxPlatform(wx), { login: simulatorLogin }) : undefined;

App({
  // The simulator serves its own default app, so the real AppIDs in APPS are sent only against the real platforms.
  auth: createAuthClient({ platform, baseUrl: BASE_URL, apps: USE_SIMULATOR ? {} : APPS }),
});
