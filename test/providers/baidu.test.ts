import { BAIDU_PLATFORM } from '../support/code2session-platforms.js';
import { defineCode2SessionPlatformTests } from './code2session-platform.js';

defineCode2SessionPlatformTests(BAIDU_PLATFORM);
