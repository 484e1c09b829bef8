/** A child's resident memory, read from /proc: what the operating system charges it, heap and native alike. */
import { readFileSync } from 'node:fs';

const SAMPLE_MS = 100;

/** VmRSS of `pid`, MiB. */
export function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match?.[1] === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}

export interface RssSampler {
  /** The highest VmRSS seen since the sampler started, MiB. */
  stop(): number;
}

/**
 * Samples VmRSS every 100 ms. VmHWM would give the peak for free, but it counts since the process started, so it
 * cannot tell one scenario's peak from the previous one's.
 */
export function sampleRss(pid: number): RssSampler {
  let peak = rssMiB(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMiB(pid));
  }, SAMPLE_MS);
  return {
    stop(): number {
      clearInterval(timer);
      return Math.max(peak, rssMiB(pid));
    },
  };
}
