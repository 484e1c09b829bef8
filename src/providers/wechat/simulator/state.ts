/** Everything one simulator instance remembers, in memory; the control API's reset starts it over. */

import { SimClock } from '../../simulator-kit/clock.js';
import { CallStats } from '../../simulator-kit/stats.js';
import { WECHAT_APIS, type WechatApiName } from '../api/wire.js';
import { AppRegistry, type SimulatorApp } from './apps.js';
import { WechatFaults } from './faults.js';
import { IssuedAccessTokens } from './issued-access-tokens.js';
import { LoginRegistry } from './logins.js';
import { PhoneCodeRegistry } from './phone-codes.js';

export interface SimulatorState {
  /** Configuration, not state: survives reset. */
  readonly apps: AppRegistry;
  clock: SimClock;
  logins: LoginRegistry;
  phoneCodes: PhoneCodeRegistry;
  tokens: IssuedAccessTokens;
  faults: WechatFaults;
  stats: CallStats<WechatApiName>;
}

/** A fresh simulator knowing `apps` (none or empty → DEFAULT_SIMULATOR_APP); throws on a malformed or duplicate app. */
export function createSimulatorState(apps: readonly SimulatorApp[]): SimulatorState {
  return freshState(new AppRegistry(apps));
}

function freshState(apps: AppRegistry): SimulatorState {
  return {
    apps,
    clock: new SimClock(),
    logins: new LoginRegistry(),
    phoneCodes: new PhoneCodeRegistry(),
    tokens: new IssuedAccessTokens(),
    faults: new WechatFaults(),
    stats: new CallStats(WECHAT_APIS),
  };
}

/** Clears users, codes, tokens, faults, stats and the clock offset; keeps the apps. */
export function resetState(state: SimulatorState): void {
  Object.assign(state, freshState(state.apps));
}
