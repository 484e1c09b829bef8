/**
 * A start refused for how it is configured or what it finds (a database it cannot use, a key file others can read,
 * a port taken): the CLI prints the message alone, no stack, and exits 78 (EX_CONFIG). Here rather than in server/
 * because the store refuses too (a DATABASE_URL it cannot open, a database in the other mode, one not migrated).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
