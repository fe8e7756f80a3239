// How a batch splits into accepted, duplicate and refused ids, given how much of the day's quota
// is left. SQLite runs it inside the transaction that holds the user's usage row; PostgreSQL
// decides the same split inside insert_events_within_quota_v1 (migrations.ts) and runs
// it afterwards on what that function inserted, so the split is exact across instances.
import type { AuditEvent } from '../../core/types.ts';
import type { InsertEventsResult } from './types.ts';

export interface BatchSplit {
  accepted: string[];
  duplicates: string[];
  refused: string[];
}

/** How a back end stores one event of the batch, inside the quota's transaction. */
export interface BatchStorage {
  /** Stores the event; false when the user already has its id (nothing stored). */
  store(event: AuditEvent): boolean;
  /** Whether the user already has the id (asked only once the quota is spent). */
  exists(id: string): boolean;
}

/** Walks the batch in order: repeats are duplicates, new ids are stored until the quota is spent. */
export function splitBatch(events: readonly AuditEvent[], remaining: number, storage: BatchStorage): BatchSplit {
  const stored = new Set<string>();
  const refused = new Set<string>();
  const split: BatchSplit = { accepted: [], duplicates: [], refused: [] };
  let left = Math.max(0, remaining);
  for (const e of events) {
    if (stored.has(e.id)) {
      split.duplicates.push(e.id);
    } else if (refused.has(e.id)) {
      // A repeat of a refused id is still not stored: listed once, in refused.
    } else if (left > 0) {
      if (storage.store(e)) {
        left--;
        split.accepted.push(e.id);
      } else {
        split.duplicates.push(e.id);
      }
      stored.add(e.id);
    } else if (storage.exists(e.id)) {
      split.duplicates.push(e.id);
      stored.add(e.id);
    } else {
      refused.add(e.id);
      split.refused.push(e.id);
    }
  }
  return split;
}

export function result(split: BatchSplit, usedToday: number): InsertEventsResult {
  return { accepted: split.accepted, duplicates: split.duplicates, refused: split.refused, usedToday };
}

/** Unique ids of a batch, for the one query that finds which already exist. */
export function batchIds(events: readonly AuditEvent[]): string[] {
  return [...new Set(events.map((e) => e.id))];
}
