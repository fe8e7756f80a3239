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

/** A group of the range's events: by (platform, endpoint), or by rule set (the rules array as JSON text). */
export type TopGroup = { kind: 'e'; platform: string; endpoint: string | null; n: number } | { kind: 'r'; rules: string | null; n: number };

const bytewise = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The top endpoints and rules from the range's groups. Events share few distinct rule sets, so
 * grouping by the set in SQL and counting each rule here reads every event once.
 */
export function topLists(
  groups: readonly TopGroup[],
  total: number,
  top: number,
): Pick<SummaryCounts, 'topEndpoints' | 'otherEndpoints' | 'topRules' | 'otherRules'> {
  const endpoints: SummaryCounts['topEndpoints'] = [];
  const rules = new Map<string, number>();
  let ruleMatches = 0;
  for (const g of groups) {
    if (g.kind === 'e') {
      endpoints.push({ platform: g.platform, endpoint: g.endpoint ?? '', count: g.n });
      continue;
    }
    let list: unknown;
    try {
      list = JSON.parse(g.rules ?? '[]');
    } catch {
      list = [];
    }
    if (!Array.isArray(list)) continue;
    for (const rule of list) {
      if (typeof rule !== 'string') continue;
      rules.set(rule, (rules.get(rule) ?? 0) + g.n);
      ruleMatches += g.n;
    }
  }
  endpoints.sort((a, b) => b.count - a.count || bytewise(a.platform, b.platform) || bytewise(a.endpoint, b.endpoint));
  const topEndpoints = endpoints.slice(0, top);
  const topRules = [...rules.entries()]
    .map(([rule, count]) => ({ rule, count }))
    .sort((a, b) => b.count - a.count || bytewise(a.rule, b.rule))
    .slice(0, top);
  const sum = (xs: readonly { count: number }[]): number => xs.reduce((n, x) => n + x.count, 0);
  return { topEndpoints, otherEndpoints: total - sum(topEndpoints), topRules, otherRules: ruleMatches - sum(topRules) };
}
