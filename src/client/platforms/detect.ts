import type { Platform } from '../platform.js';
import { hostMy, myPlatform } from './alipay.js';
import {
  type BaiduApi,
  type CallbackMiniProgramApi,
  type DouyinApi,
  ksPlatform,
  qqPlatform,
  swanPlatform,
  ttPlatform,
  wxPlatform,
} from './callback.js';

// The hosts' globals, read with `typeof` so an absent one is no ReferenceError.
declare const wx: CallbackMiniProgramApi | undefined;
declare const tt: DouyinApi | undefined;
declare const swan: BaiduApi | undefined;
declare const ks: CallbackMiniProgramApi | undefined;
declare const qq: CallbackMiniProgramApi | undefined;

/**
 * The runtime the mini program runs in, by its global. The hosts whose runtimes also answer to `wx` for
 * compatibility come first, so `wx` means WeChat. uni-app and Taro projects pass `uniPlatform(uni)` or
 * `taroPlatform(Taro)` to go through the framework instead.
 */
export function detectPlatform(): Platform {
  if (typeof tt !== 'undefined' && tt !== undefined) return ttPlatform(tt);
  const my = hostMy();
  if (my !== undefined) return myPlatform(my);
  if (typeof swan !== 'undefined' && swan !== undefined) return swanPlatform(swan);
  if (typeof ks !== 'undefined' && ks !== undefined) return ksPlatform(ks);
  if (typeof qq !== 'undefined' && qq !== undefined) return qqPlatform(qq);
  if (typeof wx !== 'undefined' && wx !== undefined) return wxPlatform(wx);
  throw new Error('weapp-auth: no mini program runtime found (wx, tt, my, qq, swan or ks): pass `platform`');
}
