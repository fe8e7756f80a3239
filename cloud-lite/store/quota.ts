// How a batch splits into accepted, duplicate and refused ids, given which ids the user already
// has and how much of the day's quota is left. Both back ends run it inside the transaction that
// holds the user's usage row, so the split is exact across instances.
import type { AuditEvent } from '../../core/types.ts';
import type { InsertEventsResult } from './types.ts';

export interface BatchSplit {
  /** To store, in batch order. */
  toStore: AuditEvent[];
  accepted: string[];
  duplicates: string[];
  refused: string[];
}

export function splitBatch(events: readonly AuditEvent[], existing: ReadonlySet<string>, remaining: number): BatchSplit {
  const stored = new Set<string>();
  const refused = new Set<string>();
  const split: BatchSplit = { toStore: [], accepted: [], duplicates: [], refused: [] };
  let left = Math.max(0, remaining);
  for (const e of events) {
    if (existing.has(e.id) || stored.has(e.id)) {
      split.duplicates.push(e.id);
      continue;
    }
    // A repeat of a refused id is still not stored: listed once, in refused.
    if (refused.has(e.id)) continue;
    if (left > 0) {
      stored.add(e.id);
      left--;
      split.toStore.push(e);
      split.accepted.push(e.id);
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
