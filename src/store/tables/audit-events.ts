import type { Kysely, Selectable } from 'kysely';
import type { AuditEventsTable, Database } from '../sql/schema.js';

export type AuditEventRow = Selectable<AuditEventsTable>;

export async function insertAuditEvent(db: Kysely<Database>, row: AuditEventRow): Promise<void> {
  await db.insertInto('audit_events').values(row).execute();
}

export interface AuditQuery {
  userId?: string;
  type?: string;
  since?: number;
  limit: number;
}

/** Newest first. */
export async function listAuditEvents(db: Kysely<Database>, query: AuditQuery): Promise<AuditEventRow[]> {
  let select = db.selectFrom('audit_events').selectAll();
  if (query.userId !== undefined) select = select.where('user_id', '=', query.userId);
  if (query.type !== undefined) select = select.where('type', '=', query.type);
  if (query.since !== undefined) select = select.where('at', '>=', query.since);
  return select.orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
}
