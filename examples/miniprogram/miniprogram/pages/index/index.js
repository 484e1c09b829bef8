// @ts-check
/** @type {{ auth: import('weapp-auth').AuthClient }} */
const { auth } = getApp();

/** @param {unknown} error */
function describe(error) {
  const e = /** @type {{ code?: string, message?: string }} */ (error);
  return e.code === undefined ? String(error) : `${e.code}: ${e.message}`;
}

Page({
  data: {
    /** @type {import('weapp-auth').User | null} */
    user: null,
    phone: '',
    avatarPreview: '',
    busy: false,
    message: '',
  },

  onShow() {
    // Already logged in (tokens in storage): load the profile. Expired tokens are renewed by the SDK.
    if (auth.isLoggedIn()) this.loadUser();
  },

  async loadUser() {
    try {
      this.setData({ user: await auth.request({ url: '/api/me' }), message: '' });
    } catch (error) {
      this.setData({ message: describe(error) });
    }
  },

  async onLogin() {
    this.setData({ busy: true });
    try {
      const { user, isNewUser } = await auth.login();
      this.setData({ user, message: isNewUser ? 'Welcome, new user' : '' });
    } catch (error) {
      this.setData({ message: describe(error) });
    } finally {
      this.setData({ busy: false });
    }
  },

  async onLogout() {
    await auth.logout();
    this.setData({ user: null, phone: '', avatarPreview: '', message: '' });
  },

  /** @param {WechatMiniprogram.ButtonGetPhoneNumber} event */
  async onGetPhoneNumber(event) {
    try {
      const phone = await auth.bindPhone(event);
      this.setData({ phone: phone.phoneNumber, message: '' });
      this.loadUser();
    } catch (error) {
      const code = /** @type {{ code?: string }} */ (error).code;
      // PHONE_DENIED: the user said no. ENCRYPTED_DATA_STALE (legacy encryptedData only): ask them to tap again.
      this.setData({ message: code === 'PHONE_DENIED' ? 'Phone number not shared' : describe(error) });
    }
  },

  /** @param {WechatMiniprogram.CustomEvent<{ avatarUrl: string }>} event */
  onChooseAvatar(event) {
    // A temporary local file (wxfile://…). The server stores only https URLs: upload it to your own storage
    // (wx.uploadFile to your backend, or cloud storage) and save the https URL it gives you as avatarUrl.
    this.setData({ avatarPreview: event.detail.avatarUrl });
  },

  /** @param {WechatMiniprogram.CustomEvent<{ value: { nickname?: string } }>} event */
  async onSaveProfile(event) {
    const nickname = (event.detail.value.nickname || '').trim();
    if (nickname === '') return this.setData({ message: 'Enter a nickname' });
    this.setData({ busy: true });
    try {
      // wx.request cannot send PATCH, so the profile update goes as PUT (see docs/client.md, "Profile updates").
      const user = /** @type {import('weapp-auth').User} */ (await auth.request({ url: '/api/me', method: 'PUT', data: { nickname } }));
      this.setData({ user, message: 'Saved' });
    } catch (error) {
      this.setData({ message: describe(error) });
    } finally {
      this.setData({ busy: false });
    }
  },
});
