// Which sealed segments retention removes. Granularity is a whole segment: a sealed segment
// goes when its newest record is older than the cutoff, so an event may outlive retentionDays
// while it shares a segment with newer ones (the newest segment is trimmed row by row). The
// event count is kept between maxEvents and maxEvents + one segment.
import type { ManifestEntry } from '../schema.ts';

export interface RetentionPolicy {
  retentionDays: number;
  maxEvents: number;
}

export const DAY_MS = 86_400_000;

/** Seqs of the sealed segments to delete, given the event count of the newest segment. */
export function segmentsToDrop(sealed: ManifestEntry[], newestCount: number, policy: RetentionPolicy, now: number): number[] {
  const cutoff = now - policy.retentionDays * DAY_MS;
  const drop = new Set<number>();
  for (const s of sealed) if (s.max_ts < cutoff) drop.add(s.seq);
  const kept = sealed.filter((s) => !drop.has(s.seq)).sort((a, b) => a.seq - b.seq);
  let total = newestCount + kept.reduce((n, s) => n + s.count, 0);
  for (const s of kept) {
    if (total - s.count < policy.maxEvents) break;
    drop.add(s.seq);
    total -= s.count;
  }
  return [...drop].sort((a, b) => a - b);
}
