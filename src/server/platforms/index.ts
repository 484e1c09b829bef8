import { alipayPlatform } from './alipay.js';
import { baiduPlatform } from './baidu.js';
import { douyinPlatform } from './douyin.js';
import { kuaishouPlatform } from './kuaishou.js';
import type { PlatformWiring } from './platform.js';
import { qqPlatform } from './qq.js';

/**
 * Every mini program platform the server can serve beside WeChat, in the order their logins are listed. One line
 * each; a platform is off unless its variables are set, and in simulator mode every one of them is simulated.
 */
export const PLATFORMS: readonly PlatformWiring<unknown>[] = [
  douyinPlatform,
  alipayPlatform as PlatformWiring<unknown>,
  qqPlatform,
  baiduPlatform,
  kuaishouPlatform,
];
