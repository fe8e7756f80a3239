// Read-only access to saved segments, for readers and for a guard waiting on another
// process's folder. Never writes, never moves files: damage is reported, not repaired.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { JOURNAL_DIR } from '../journal.ts';
import { openSegmentDb } from '../schema.ts';
import { DB_DIR, listSegments, sameStamp, segmentName, stampOf } from '../segments.ts';
import type { FileStamp } from '../segments.ts';

/** A segment's bytes opened in memory, with the stamp of the file they came from. */
export interface LoadedSegment {
  seq: number;
  db: Database;
  stamp: FileStamp | null;
}

/** Opens segment `seq` read-only; throws CorruptSegmentError when it is damaged. */
export function loadSegment(SQL: SqlJsStatic, dataDir: string, seq: number, check = false): LoadedSegment {
  const path = join(dataDir, DB_DIR, segmentName(seq));
  const stamp = stampOf(path);
  const db = openSegmentDb(SQL, readFileSync(path), check);
  return { seq, db, stamp };
}

/** Folded offsets of the newest segment, per journal name (cached while the file is unchanged). */
let offsetsCache: { path: string; stamp: FileStamp; offsets: Map<string, number> } | null = null;

export function readFoldedOffsets(SQL: SqlJsStatic, dataDir: string): Map<string, number> {
  const newest = listSegments(join(dataDir, DB_DIR)).at(-1);
  if (newest === undefined) return new Map();
  const path = join(dataDir, DB_DIR, segmentName(newest));
  const stamp = stampOf(path);
  if (offsetsCache && offsetsCache.path === path && sameStamp(offsetsCache.stamp, stamp)) return offsetsCache.offsets;
  const seg = loadSegment(SQL, dataDir, newest);
  try {
    const offsets = new Map<string, number>();
    for (const [name, offset] of seg.db.exec('SELECT name, offset FROM journals')[0]?.values ?? []) {
      if (typeof name === 'string' && typeof offset === 'number') offsets.set(name, offset);
    }
    if (seg.stamp) offsetsCache = { path, stamp: seg.stamp, offsets };
    return offsets;
  } finally {
    seg.db.close();
  }
}

/**
 * How far journal `name` is folded: its saved offset, Infinity when the journal is gone (fully
 * folded and deleted), null when nothing of it is folded yet.
 */
export function readFoldedOffset(SQL: SqlJsStatic, dataDir: string, name: string): number | null {
  const offset = readFoldedOffsets(SQL, dataDir).get(name);
  if (offset !== undefined) return offset;
  return existsSync(join(dataDir, JOURNAL_DIR, name)) ? null : Infinity;
}
