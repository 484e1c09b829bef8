/** Everything one simulator instance remembers, in memory; the control API's reset starts it over. */
import { AccessTokens } from './access-tokens.js';
import type { AppRegistry } from './apps.js';
import { SimClock } from './clock.js';
import { FaultQueue } from './faults.js';
import { LoginRegistry } from './logins.js';
import { PhoneCodeRegistry } from './phone-codes.js';
import { CallStats } from './stats.js';

export interface SimulatorState {
  /** Configuration, not state: survives reset. */
  readonly apps: AppRegistry;
  clock: SimClock;
  logins: LoginRegistry;
  phoneCodes: PhoneCodeRegistry;
  tokens: AccessTokens;
  faults: FaultQueue;
  stats: CallStats;
}

export function createState(apps: AppRegistry): SimulatorState {
  return {
    apps,
    clock: new SimClock(),
    logins: new LoginRegistry(),
    phoneCodes: new PhoneCodeRegistry(),
    tokens: new AccessTokens(),
    faults: new FaultQueue(),
    stats: new CallStats(),
  };
}

/** Clears users, codes, tokens, faults, stats and the clock offset; keeps the apps. */
export function resetState(state: SimulatorState): void {
  Object.assign(state, createState(state.apps));
}
