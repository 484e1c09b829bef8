import { expect } from 'vitest';
import { ConfigError, loadConfig } from '../../src/server/config.js';

/** The message of the ConfigError `env` is refused with; fails the test when it is accepted. */
export function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}
