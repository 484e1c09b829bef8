import { alipayPlatform } from './alipay.js';
import type { PlatformWiring } from './platform.js';

/**
 * Every mini program platform the server can serve beside WeChat, in the order their logins are listed. One line
 * each; a platform is off unless its variables are set, and in simulator mode every one of them is simulated.
 */
export const PLATFORMS: readonly PlatformWiring<unknown>[] = [alipayPlatform as PlatformWiring<unknown>];
