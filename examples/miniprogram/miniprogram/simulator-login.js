// @ts-check
// Development only: what wx.login does, done by the WeChat simulator mounted at /sim in simulator mode.
// The simulated user's openid is kept in storage so every "login" is the same user, as on a real phone.
const { BASE_URL } = require('./config');

const OPENID_KEY = 'weapp-auth-example:simulated-openid';

/** @returns {Promise<string>} a wx.login-like code for the simulated user */
function simulatorLogin() {
  return new Promise((resolve, reject) => {
    const openid = wx.getStorageSync(OPENID_KEY);
    wx.request({
      url: `${BASE_URL}/sim/control/codes`,
      method: 'POST',
      data: openid ? { openid } : {},
      success: (res) => {
        const minted = /** @type {{ code?: string, openid?: string }} */ (res.data);
        if (res.statusCode !== 200 || !minted.code)
          return reject(new Error(`simulator answered ${res.statusCode}: is the server in simulator mode?`));
        wx.setStorageSync(OPENID_KEY, minted.openid);
        resolve(minted.code);
      },
      fail: (error) => reject(new Error(error.errMsg)),
    });
  });
}

module.exports = { simulatorLogin };
