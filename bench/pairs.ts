/**
 * The method: a row is never divided by a floor measured minutes away. Its floor runs just before it, on the same
 * machine under the same load from elsewhere, and the pair (floor, row) is repeated; the report takes medians.
 * On a shared machine two runs minutes apart can differ by 2×; two runs seconds apart rarely do.
 */
import { cpuMs } from './cpu.js';
import { type LoadFigures, type LoadShape, runLoad } from './load.js';
import { sampleRss } from './memory.js';
import type { Service } from './processes.js';
import type { BenchSettings } from './settings.js';

export interface Measured extends LoadFigures {
  /** The service's CPU time (user + system) during the measured run over the requests it answered, ms. */
  cpuMsPerRequest: number;
  /** Highest RSS of the service during the measured run, MiB. */
  peakRssMiB: number;
  /** Login requests that found no fresh code (0 unless the supply was undersized): their figures undercount. */
  shortfall: number;
  connections: number;
}

/** One measured run of a scenario, readied beforehand. */
export interface Run {
  load: LoadShape;
  /**
   * Runs after the load: requests autocannon abandoned at a run's end are still being served, and must not queue
   * ahead of the next run's.
   */
  drain?: () => Promise<void>;
  /**
   * Told the load's figures once it is over (a login scenario learns its rate from them); answers how many requests
   * found no code left.
   */
  finish?: (figures: LoadFigures) => number;
}

/** A load on one service that can be run again and again: a row, or a floor. */
export interface Scenario {
  service: Service;
  /** Load thrown away before a row's first pair: JIT, pools and caches warm up. */
  warmUp(): Promise<void>;
  /**
   * Readies the next measured run (codes, tokens of its own). Called for both runs of a pair before either starts,
   * so nothing but the two runs stands between them.
   */
  prepare(): Promise<Run>;
}

/** A row's runs and its floor's, side by side: `floor[i]` ran just before `row[i]`. */
export interface Pair {
  floor: Measured[];
  row: Measured[];
}

/**
 * Both sides warmed up, then `settings.repeats` times the floor's run and the row's right after it. Later pairs need
 * no warm-up: both processes served the same requests seconds before.
 */
export async function measurePair(floor: Scenario, row: Scenario, settings: BenchSettings): Promise<Pair> {
  await floor.warmUp();
  await row.warmUp();
  const pair: Pair = { floor: [], row: [] };
  for (let repeat = 0; repeat < settings.repeats; repeat += 1) {
    const floorRun = await floor.prepare();
    const rowRun = await row.prepare();
    pair.floor.push(await measure(floor.service, floorRun));
    pair.row.push(await measure(row.service, rowRun));
  }
  return pair;
}

/** The measured load, the service's CPU time read around it. */
async function measure(service: Service, run: Run): Promise<Measured> {
  const sampler = sampleRss(service.pid);
  const cpuBefore = cpuMs(service.pid);
  const figures = await runLoad(run.load);
  const cpuMsPerRequest = (cpuMs(service.pid) - cpuBefore) / Math.max(1, figures.answered);
  const peakRssMiB = sampler.stop();
  await run.drain?.();
  return { ...figures, cpuMsPerRequest, peakRssMiB, shortfall: run.finish?.(figures) ?? 0, connections: run.load.connections };
}

/** Each pair's CPU per request, the row's over the floor's just before it. */
export function pairRatios(pair: Pair): number[] {
  return pair.row.map((run, index) => run.cpuMsPerRequest / (pair.floor[index]?.cpuMsPerRequest ?? Number.NaN));
}

/** The middle value (the mean of the two middle ones for an even count): one disturbed run of three moves it not at all. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
