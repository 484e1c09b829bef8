/** WeChat's injected failures, queued per API by the shared FaultQueue. */
import { FaultQueue } from '../../simulator-kit/faults.js';
import type { WechatApiName } from '../api/wire.js';

export interface Fault {
  /** Answer this errcode (HTTP 200, WeChat error body) instead of the normal answer. */
  errcode?: number;
  /** With errcode: this errmsg (a rid is appended) instead of WeChat's usual text, e.g. one quoting the request. */
  errmsg?: string;
  /** Hold the answer this long first; alone, it delays a normal answer. */
  delayMs?: number;
  /** Answer this raw text instead (an HTML error page, broken JSON). */
  body?: string;
  /** Content-Type of `body`. */
  contentType?: string;
}

export class WechatFaults extends FaultQueue<WechatApiName, Fault> {}
