import { KUAISHOU_PLATFORM } from '../support/code2session-platforms.js';
import { defineCode2SessionPlatformTests } from './code2session-platform.js';

defineCode2SessionPlatformTests(KUAISHOU_PLATFORM);
