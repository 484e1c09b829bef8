// Where the weapp-auth server runs. In WeChat DevTools on the same machine: http://127.0.0.1:3000 with
// "Details → Local settings → Do not verify valid domain names…" ticked (project.config.json sets urlCheck: false).
// On a phone (preview / real-device debugging) use your computer's LAN address, e.g. http://192.168.1.20:3000, and
// start the server with HOST=0.0.0.0 (plus WECHAT_SIMULATOR=true in simulator mode, which never starts by itself off
// loopback). In production: your https domain, listed under request legal domains.
module.exports = {
  BASE_URL: 'http://127.0.0.1:3000',
  // true while the server runs in simulator mode (`npm start` without WeChat credentials): real wx.login codes mean
  // nothing to the simulator, so the app mints codes at the simulator's control API instead. false with a real AppID.
  USE_SIMULATOR: true,
};
