import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/store/sql/database.js';
import { migrateToLatest } from '../../src/store/sql/migrations.js';
import type { Database } from '../../src/store/sql/schema.js';
import type { TestDatabase } from '../support/test-databases.js';
import { defineMigrationTests } from './conformance-migrations.js';
import { defineRaceTests } from './conformance-races.js';
import { defineTableTests } from './conformance-tables.js';
import { defineTransactionTests } from './conformance-transactions.js';

/** What the conformance tests share: the migrated database of this file, and how to make more. */
export interface StoreContext {
  /** The migrated database, valid inside tests. */
  readonly db: Kysely<Database>;
  /** What the first migration run reported. */
  readonly firstMigration: readonly { migrationName: string; status: string }[];
  /** A new, empty, unmigrated database (dropped after the file). */
  fresh(): Promise<string>;
}

/**
 * The storage conformance suite, like Lucia's adapter tests: the same tests run on every engine, given a way to
 * create a new database on it. An engine is supported when this passes on it; see docs/storage.md.
 */
export function defineStoreConformance(engine: string, createDatabase: () => Promise<TestDatabase>): void {
  describe(`store conformance: ${engine}`, () => {
    const created: TestDatabase[] = [];
    let handle: DatabaseHandle | undefined;
    let firstMigration: StoreContext['firstMigration'] = [];

    const fresh = async (): Promise<string> => {
      const database = await createDatabase();
      created.push(database);
      return database.url;
    };

    beforeAll(async () => {
      handle = openDatabase(await fresh());
      firstMigration = (await migrateToLatest(handle.db)) ?? [];
    });

    afterAll(async () => {
      await handle?.close();
      await Promise.all(created.map((database) => database.drop()));
    });

    const context: StoreContext = {
      get db(): Kysely<Database> {
        if (handle === undefined) throw new Error('the conformance database is not open yet');
        return handle.db;
      },
      get firstMigration(): StoreContext['firstMigration'] {
        return firstMigration;
      },
      fresh,
    };
    defineTableTests(context);
    defineRaceTests(context);
    defineTransactionTests(context);
    defineMigrationTests(context);
  });
}
