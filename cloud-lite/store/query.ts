// The WHERE clauses of an event or alert page, shared by both back ends: they differ only in how
// a parameter is written (SQLite `?`, PostgreSQL `$n`), which `param` supplies.
import { decodeCursor } from './cursor.ts';
import type { EventQuery } from './types.ts';

export type Param = (value: unknown) => string;

/**
 * Only the user's rows; since is inclusive and until exclusive (unix ms, on the event's ts);
 * then strictly after the cursor in (ts DESC, id DESC) order.
 */
export function eventConditions(q: EventQuery, param: Param): string[] {
  const where = [`user_id = ${param(q.user)}`];
  if (q.since !== undefined) where.push(`ts >= ${param(q.since)}`);
  if (q.until !== undefined) where.push(`ts < ${param(q.until)}`);
  if (q.platform !== undefined) where.push(`platform = ${param(q.platform)}`);
  if (q.minRisk !== undefined) where.push(`risk_level >= ${param(q.minRisk)}`);
  if (q.sessionId !== undefined) where.push(`session_id = ${param(q.sessionId)}`);
  where.push(...afterCursor(q.cursor, param));
  return where;
}

export function afterCursor(cursor: string | null, param: Param): string[] {
  if (cursor === null) return [];
  const { ts, id } = decodeCursor(cursor);
  const t = param(ts);
  return [`(ts < ${t} OR (ts = ${t} AND id < ${param(id)}))`];
}

/** Page sizes are the route's business (≤ 500); here only a positive integer is accepted. */
export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  return limit;
}
