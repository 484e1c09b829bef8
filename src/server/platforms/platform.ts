import type { FastifyPluginAsync } from 'fastify';
import type { IdentityProvider, UpstreamCall } from '../../core/identity-provider.js';
import type { Clock } from '../../lib/clock.js';
import type { Kv } from '../../store/kv/kv.js';
import type { EnvReader } from '../env-reader.js';

/**
 * How the server wires one mini program platform beside WeChat: its configuration group, its simulator in simulator
 * mode and its provider. Adding a platform is its folder under src/providers/, one of these, and a line in
 * platforms/index.ts (docs/providers.md, "Adding a provider").
 */
export interface PlatformWiring<Settings> {
  /** The provider's id. */
  readonly id: string;
  /** What people call it, for banners and the playground: 'Douyin mini programs'. */
  readonly title: string;
  /** Reads the platform's variables; undefined when none of them is set. Problems name the variable. */
  readConfig(read: EnvReader, context: { production: boolean }): Settings | undefined;
  /** True when the settings hold real credentials: a deployment, never simulator mode. */
  hasCredentials(settings: Settings): boolean;
  /** The secret values in the settings, masked in every log line. */
  secrets(settings: Settings): string[];
  /**
   * Simulator mode: starts the platform's simulator on a loopback listener of its own for the configured apps (its
   * default app when none), with credentials generated for this start, and returns settings pointing at it.
   */
  simulate(settings: Settings | undefined): Promise<SimulatedPlatform<Settings>>;
  /** The provider serving these settings. */
  provider(settings: Settings, deps: PlatformDeps): IdentityProvider;
}

/** What a platform's provider may use of the server's shared parts. */
export interface PlatformDeps {
  /** Shared state: app access tokens and their locks, across instances. */
  kv: Kv;
  clock: Clock;
  /** Counts the call in the metrics by provider and writes a debug line. */
  observe(call: UpstreamCall): void;
}

/** A platform's simulator, running for this start. */
export interface SimulatedPlatform<Settings> {
  /** Settings pointing at the simulator, with credentials generated for this start. */
  settings: Settings;
  /** The simulator's routes over the same state, mounted under /sim/<id>. */
  plugin: FastifyPluginAsync;
  /** The apps it knows. */
  apps: string[];
  close(): Promise<void>;
}

/** A platform with its settings read, as the configuration holds it (the settings' type known only to its wiring). */
export interface ConfiguredPlatform {
  wiring: PlatformWiring<unknown>;
  settings: unknown;
}
