import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult } from 'kysely';
import { WeappAuthError } from '../../lib/errors.js';
import { isDatabaseUnavailable } from './unavailable.js';

/**
 * The store's boundary for outages: every dialect is opened through this, so a connection, transaction or query
 * that fails because the database cannot be reached or used right now fails with WeappAuthError
 * DATABASE_UNAVAILABLE (the driver's error as its cause), and nothing above the store classifies driver errors.
 * Any other error (a unique violation, a deadlock, a syntax error) passes as the driver threw it, for the store's
 * own retries and checks (transaction-conflict.ts).
 */
export function reportingOutages(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => reportingDriver(dialect.createDriver()),
  };
}

/** The driver's error behind a DATABASE_UNAVAILABLE the store raised; any other error as it is. */
export function driverError(error: unknown): unknown {
  return error instanceof WeappAuthError && error.code === 'DATABASE_UNAVAILABLE' && error.cause !== undefined ? error.cause : error;
}

function reportingDriver(driver: Driver): Driver {
  const { savepoint, rollbackToSavepoint, releaseSavepoint } = driver;
  return {
    init: () => reported(driver.init()),
    acquireConnection: async () => reportingConnection(await reported(driver.acquireConnection())),
    beginTransaction: (connection, settings) => reported(driver.beginTransaction(connection, settings)),
    commitTransaction: (connection) => reported(driver.commitTransaction(connection)),
    rollbackTransaction: (connection) => reported(driver.rollbackTransaction(connection)),
    releaseConnection: (connection) => driver.releaseConnection(connection),
    destroy: () => driver.destroy(),
    // Kysely asks whether a driver has savepoints before using them: pass on exactly those it has.
    savepoint: savepoint && ((connection, name, compile) => reported(savepoint.call(driver, connection, name, compile))),
    rollbackToSavepoint:
      rollbackToSavepoint && ((connection, name, compile) => reported(rollbackToSavepoint.call(driver, connection, name, compile))),
    releaseSavepoint:
      releaseSavepoint && ((connection, name, compile) => reported(releaseSavepoint.call(driver, connection, name, compile))),
  };
}

/**
 * Reports outages of the connection's queries. Patched in place, as Kysely adds its own query logging, because the
 * driver is handed back this very object (to release it, to run a transaction on it); once per connection.
 */
const reporting = new WeakSet<DatabaseConnection>();

function reportingConnection(connection: DatabaseConnection): DatabaseConnection {
  if (reporting.has(connection)) return connection;
  reporting.add(connection);
  const executeQuery = connection.executeQuery.bind(connection);
  const streamQuery = connection.streamQuery.bind(connection);
  connection.executeQuery = <R>(query: CompiledQuery): Promise<QueryResult<R>> => reported(executeQuery<R>(query));
  connection.streamQuery = async function* <R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* streamQuery<R>(query, chunkSize);
    } catch (error) {
      throw asOutage(error);
    }
  };
  return connection;
}

function reported<T>(work: Promise<T>): Promise<T> {
  return work.catch((error: unknown) => {
    throw asOutage(error);
  });
}

function asOutage(error: unknown): unknown {
  if (error instanceof WeappAuthError || !isDatabaseUnavailable(error)) return error;
  return new WeappAuthError('DATABASE_UNAVAILABLE', 'the database cannot be reached', { cause: error });
}
