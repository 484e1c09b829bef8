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
  // The app per provider id, for one source compiled to several hosts (uni-app, Taro, or this folder adapted): the SDK
  // finds the host it runs in (wx, tt, my, qq, swan, ks) and logs in to that provider's app. Leave out what you do not
  // ship; a provider without an entry logs in to the server's first app of it.
  APPS: {
    wechat: 'wx0000000000000000',
    // douyin: 'tt0000000000000000',
    // alipay: '2021000000000000',
    // qq: '1100000000',
    // baidu: 'your Baidu app key',
    // kuaishou: 'ks000000000000000000',
  },
};
