// Stand-in for the seam's list (/tmp/notes/seam.md) until it lands on main; Douyin's line is the one to keep.
import { douyinPlatform } from './douyin.js';
import type { PlatformWiring } from './platform.js';

export const PLATFORMS: readonly PlatformWiring<never>[] = [douyinPlatform as unknown as PlatformWiring<never>];
