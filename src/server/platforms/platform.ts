// Stand-in for the seam's file (/tmp/notes/seam.md) until it lands on main; main's version replaces this one.
import type { FastifyPluginAsync } from 'fastify';
import type { IdentityProvider, UpstreamCall } from '../../core/identity-provider.js';
import type { Clock } from '../../lib/clock.js';
import type { Kv } from '../../store/kv/kv.js';

export type Env = Readonly<Record<string, string | undefined>>;
export interface PlatformDeps {
  kv: Kv;
  clock: Clock;
  observe(call: UpstreamCall): void;
}
export interface SimulatedPlatform<Settings> {
  settings: Settings;
  plugin: FastifyPluginAsync;
  apps: string[];
  close(): Promise<void>;
}
export interface PlatformWiring<Settings> {
  readonly id: string;
  readonly title: string;
  readConfig(env: Env, problems: string[], context: { production: boolean }): Settings | undefined;
  hasCredentials(settings: Settings): boolean;
  secrets(settings: Settings): string[];
  simulate(settings: Settings | undefined): Promise<SimulatedPlatform<Settings>>;
  provider(settings: Settings, deps: PlatformDeps): IdentityProvider;
}
