import { openDatabase } from '../../src/store/sql/database.js';
import { migrateToLatest } from '../../src/store/sql/migrations.js';

/** What one instance's migration run did: `name:status` per migration it ran, or why it failed. */
export type MigrateAnswer = { ok: true; ran: string[] } | { ok: false; message: string };

/** One "instance" of a concurrent start: its own connection(s), migrating the database at `url`, then closing. */
export async function migrateOnce(url: string): Promise<MigrateAnswer> {
  const handle = openDatabase(url);
  try {
    const results = (await migrateToLatest(handle.db)) ?? [];
    return { ok: true, ran: results.map((result) => `${result.migrationName}:${result.status}`) };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { ok: false, message: `${error instanceof Error ? error.message : String(error)}${cause}` };
  } finally {
    await handle.close();
  }
}
