// The opaque page cursor of GET /v1/events and /v1/alerts: base64url of the JSON [ts, id] of the
// last row served. Keyset pagination on (ts DESC, id DESC) resumes strictly after it, so rows
// inserted meanwhile never shift a page and ties in ts are neither skipped nor repeated.
import { InvalidCursorError } from './types.ts';

export interface CursorPosition {
  ts: number;
  id: string;
}

export function encodeCursor(pos: CursorPosition): string {
  return Buffer.from(JSON.stringify([pos.ts, pos.id]), 'utf8').toString('base64url');
}

/** Throws InvalidCursorError for anything encodeCursor did not produce. */
export function decodeCursor(cursor: string): CursorPosition {
  if (cursor.length === 0 || cursor.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError('invalid cursor');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('invalid cursor');
  }
  if (!Array.isArray(value) || value.length !== 2) throw new InvalidCursorError('invalid cursor');
  const [ts, id] = value as unknown[];
  if (typeof ts !== 'number' || !Number.isFinite(ts) || typeof id !== 'string' || id.length === 0 || id.length > 128) {
    throw new InvalidCursorError('invalid cursor');
  }
  return { ts, id };
}

/**
 * A page from rows fetched with LIMIT limit + 1, newest first: the extra row only tells that
 * there is a next page, which resumes after the last row served.
 */
export function pageOf<T>(
  rows: readonly (CursorPosition & { body: string })[],
  limit: number,
  parse: (body: string) => T,
): { items: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map((r) => parse(r.body)), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last) : null };
}
