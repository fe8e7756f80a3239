// What the web dashboard part keeps in the cloud store: one interface, implemented over the same
// database as the core store (store-sqlite.ts, store-postgres.ts), reached as store.web. Two
// things: the signed-in sessions (so that signing out ends a session on every instance), and
// the dashboard's summary as SQL aggregates over one user's events (never every event loaded).
import type { RiskCounts } from '../../core/protocol/dashboard.ts';

export interface WebSession {
  /** SHA-256 (hex) of the session id the cookie carries: the id itself is never stored. */
  idHash: string;
  user: string;
  keyId: string;
  createdAt: number;
  expiresAt: number;
}

export interface SummaryQuery {
  user: string;
  /** The range [since, until) in UTC ms; since is the start of the first bucket. */
  since: number;
  until: number;
  bucketMs: number;
  /** Start of today (UTC ms): today's totals and alerts count from here to `until`. */
  todayStart: number;
  /** How many endpoints and rules to list; the rest are counted as "other". */
  top: number;
}

export interface SummaryCounts {
  today: { total: number; byRisk: RiskCounts; alerts: number; critical: number };
  /** Non-empty buckets, ascending. */
  timeline: { start: number; byRisk: RiskCounts }[];
  total: number;
  byPlatform: Record<string, number>;
  topEndpoints: { platform: string; endpoint: string; count: number }[];
  otherEndpoints: number;
  topRules: { rule: string; count: number }[];
  /** Rule matches beyond the listed rules. */
  otherRules: number;
}

export interface WebStore {
  createSession(session: WebSession): Promise<void>;
  /** The session unless it was ended or has expired at `now`. */
  getSession(idHash: string, now: number): Promise<WebSession | null>;
  endSession(idHash: string): Promise<void>;
  summary(q: SummaryQuery): Promise<SummaryCounts>;
}

/** Rows of (bucket index, platform, risk, count) folded into the timeline, by-platform and total. */
export function foldCounts(
  rows: readonly { b: number; platform: string; r: number; n: number }[],
  since: number,
  bucketMs: number,
): Pick<SummaryCounts, 'timeline' | 'total' | 'byPlatform'> {
  const buckets = new Map<number, RiskCounts>();
  const byPlatform: Record<string, number> = {};
  let total = 0;
  for (const { b, platform, r, n } of rows) {
    const counts = buckets.get(b) ?? [0, 0, 0, 0];
    if (r >= 0 && r <= 3) counts[r as 0 | 1 | 2 | 3] += n;
    buckets.set(b, counts);
    byPlatform[platform] = (byPlatform[platform] ?? 0) + n;
    total += n;
  }
  const timeline = [...buckets.entries()].sort(([a], [b]) => a - b).map(([b, byRisk]) => ({ start: since + b * bucketMs, byRisk }));
  return { timeline, total, byPlatform };
}

export function riskCounts(rows: readonly { r: number; n: number }[]): { total: number; byRisk: RiskCounts } {
  const byRisk: RiskCounts = [0, 0, 0, 0];
  let total = 0;
  for (const { r, n } of rows) {
    if (r >= 0 && r <= 3) byRisk[r as 0 | 1 | 2 | 3] += n;
    total += n;
  }
  return { total, byRisk };
}
