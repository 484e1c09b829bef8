/** The provider id of WeChat mini programs, and the family their unionids are comparable within. */
export const WECHAT = 'wechat';
