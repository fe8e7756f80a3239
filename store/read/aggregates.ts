// Dashboard counts over a time range without loading every event. Sealed segments wholly
// inside the range are counted from their rollups (store/read/rollup.ts, written by the folder
// when it sealed them); segments straddling an edge, the newest segment and sealed segments
// without a rollup (sealed before rollups existed) are counted with SQL GROUP BYs; the journal
// overlay (unfolded events, in-flight intents) is counted in memory. The result equals counting
// every event one by one.
import type { Database, SqlValue } from 'sql.js';
import type { AuditEvent } from '../../core/types.ts';
import { HOUR_SQL, hourOf, rulesSql } from './rollup.ts';
import type { SegmentRollup } from './rollup.ts';
import { excludeIds } from './snapshot.ts';
import type { Snapshot } from './snapshot.ts';

export interface AggregateQuery {
  /** Range of event timestamps, inclusive (UTC ms). Defaults: everything. */
  since?: number;
  until?: number;
  /** How many endpoint patterns to list (default 10); the rest are summed in otherEndpoints. */
  topEndpoints?: number;
  /** How many rule ids to list (default 10); the rest are summed in otherRules. */
  topRules?: number;
  /** Days start at UTC midnight shifted by this many minutes (a multiple of 60; default 0). */
  utcOffsetMinutes?: number;
}

/** Events in one hour or day: total and by risk level 0–3. */
export interface Bucket {
  /** Start of the bucket (UTC ms). */
  start: number;
  count: number;
  byRisk: [number, number, number, number];
}

export interface EndpointStat {
  platform: string;
  endpoint: string;
  count: number;
}

/** How many times a rule fired (on events in the range). */
export interface RuleStat {
  rule: string;
  count: number;
}

export interface AlertSummary {
  total: number;
  bySeverity: Record<string, number>;
  /**
   * Alerts still needing attention. There is no acknowledgement yet, so this is every alert in
   * the range; once alerts can be acknowledged, the acknowledged ones in range are subtracted here.
   */
  open: { total: number; bySeverity: Record<string, number> };
}

export interface Aggregates {
  since: number | null;
  until: number | null;
  total: number;
  byRisk: [number, number, number, number];
  byPlatform: Record<string, number>;
  byOutcome: Record<string, number>;
  /** Most frequent first (ties by platform then endpoint). */
  topEndpoints: EndpointStat[];
  otherEndpoints: number;
  /** Rules fired most often first (ties by rule id). */
  topRules: RuleStat[];
  otherRules: number;
  /** Non-empty hours, ascending. */
  hourly: Bucket[];
  /** Non-empty days, ascending. */
  daily: Bucket[];
  alerts: AlertSummary;
}

class Totals {
  byRisk: [number, number, number, number] = [0, 0, 0, 0];
  platform = new Map<string, number>();
  outcome = new Map<string, number>();
  endpoints = new Map<string, EndpointStat>();
  hours = new Map<number, Bucket>();
  rules = new Map<string, number>();
  alerts = new Map<string, number>();

  static bump(m: Map<string, number>, k: string, n: number): void {
    m.set(k, (m.get(k) ?? 0) + n);
  }
  endpoint(platform: string, endpoint: string, n: number): void {
    const key = `${platform}\u0000${endpoint}`;
    const s = this.endpoints.get(key);
    if (s) s.count += n;
    else this.endpoints.set(key, { platform, endpoint, count: n });
  }
  hour(h: number, n: number, risks: number[]): void {
    let b = this.hours.get(h);
    if (!b) this.hours.set(h, (b = { start: h, count: 0, byRisk: [0, 0, 0, 0] }));
    b.count += n;
    for (let i = 0; i < 4; i++) b.byRisk[i as 0] += risks[i] ?? 0;
  }
  addRollup(r: SegmentRollup): void {
    for (let i = 0; i < 4; i++) this.byRisk[i as 0] += r.risk[i] ?? 0;
    for (const [k, n] of Object.entries(r.platform)) Totals.bump(this.platform, k, n);
    for (const [k, n] of Object.entries(r.outcome)) Totals.bump(this.outcome, k, n);
    for (const [p, e, n] of r.endpoints ?? []) this.endpoint(p, e, n);
    for (const [h, n, ...risks] of r.hours) this.hour(h, n, risks);
    for (const [k, n] of r.rules ?? []) Totals.bump(this.rules, k, n);
    for (const [k, n] of Object.entries(r.alerts)) Totals.bump(this.alerts, k, n);
  }
  addEvent(e: AuditEvent): void {
    this.byRisk[e.risk_level] += 1;
    Totals.bump(this.platform, e.platform, 1);
    Totals.bump(this.outcome, e.outcome, 1);
    this.endpoint(e.platform, e.endpoint, 1);
    for (const rule of e.rules) Totals.bump(this.rules, rule, 1);
    this.hour(
      hourOf(e.ts),
      1,
      [0, 1, 2, 3].map((l) => (l === e.risk_level ? 1 : 0)),
    );
  }
}

function rows(db: Database, sql: string, params: SqlValue[]): SqlValue[][] {
  return db.exec(sql, params)[0]?.values ?? [];
}

/** Counts of one segment's rows in [since, until] with SQL, leaving out rows the overlay shadows. */
function addQueried(t: Totals, snap: Snapshot, db: Database, since: number, until: number): void {
  const range: SqlValue[] = [since, until];
  {
    const ex = excludeIds(snap.shadowed(db, 'events', since, until));
    const where = `WHERE ts >= ? AND ts <= ?${ex.sql}`;
    const p = [...range, ...ex.params];
    for (const [h, n, r0, r1, r2, r3] of rows(
      db,
      `SELECT ${HOUR_SQL} AS h, count(*), sum(risk_level = 0), sum(risk_level = 1), sum(risk_level = 2), sum(risk_level = 3) FROM events ${where} GROUP BY h`,
      p,
    )) {
      const risks = [r0, r1, r2, r3].map(Number);
      t.hour(Number(h), Number(n), risks);
      for (let i = 0; i < 4; i++) t.byRisk[i as 0] += risks[i] as number;
    }
    for (const [pl, o, n] of rows(db, `SELECT platform, outcome, count(*) FROM events ${where} GROUP BY platform, outcome`, p)) {
      Totals.bump(t.platform, String(pl), Number(n));
      Totals.bump(t.outcome, String(o), Number(n));
    }
    for (const [pl, e, n] of rows(db, `SELECT platform, endpoint, count(*) FROM events ${where} GROUP BY platform, endpoint`, p)) {
      t.endpoint(String(pl), String(e), Number(n));
    }
    for (const [rule, n] of rows(db, rulesSql(where), p)) Totals.bump(t.rules, String(rule), Number(n));
  }
  const exA = excludeIds(snap.shadowed(db, 'alerts', since, until));
  for (const [s, n] of rows(db, `SELECT severity, count(*) FROM alerts WHERE ts >= ? AND ts <= ?${exA.sql} GROUP BY severity`, [
    ...range,
    ...exA.params,
  ])) {
    Totals.bump(t.alerts, String(s), Number(n));
  }
}

/**
 * Rule counts of whole sealed segments whose rollup has none, counted once per reader: sealed
 * segments never change, and a store sealed before rule counts existed would otherwise pay a
 * json_each scan of every such segment on each dashboard refresh.
 */
const sealedRuleCounts = new WeakMap<Snapshot, Map<number, [string, number][]>>();
function sealedRules(snap: Snapshot, seq: number, db: Database): [string, number][] {
  let bySeq = sealedRuleCounts.get(snap);
  if (!bySeq) sealedRuleCounts.set(snap, (bySeq = new Map()));
  let counts = bySeq.get(seq);
  if (!counts) bySeq.set(seq, (counts = rows(db, rulesSql(), []).map(([rule, n]) => [String(rule), Number(n)])));
  return counts;
}

function dayOf(hourStart: number, offsetMs: number): number {
  return Math.floor((hourStart + offsetMs) / 86_400_000) * 86_400_000 - offsetMs;
}

export function aggregate(snap: Snapshot, q: AggregateQuery = {}): Aggregates {
  snap.assertOpen();
  const since = q.since ?? -Number.MAX_VALUE;
  const until = q.until ?? Number.MAX_VALUE;
  const offsetMin = q.utcOffsetMinutes ?? 0;
  if (!Number.isInteger(offsetMin / 60)) throw new RangeError('utcOffsetMinutes must be a whole number of hours');
  const t = new Totals();
  for (const seg of snap.segments) {
    if (seg.max_ts < since || seg.min_ts > until) continue;
    const inside = !seg.newest && seg.rollup !== undefined && seg.min_ts >= since && seg.max_ts <= until;
    if (inside && seg.rollup) {
      t.addRollup(seg.rollup);
      const noEndpoints = seg.rollup.endpoints === null;
      const noRules = !seg.rollup.rules; // too many to roll up, or sealed before rules were rolled up
      if (!noEndpoints && !noRules) continue;
      // What the rollup lacks alone is counted from the file.
      const db = snap.db(seg.seq);
      if (db === null) continue;
      if (noEndpoints) {
        for (const [pl, e, n] of rows(db, 'SELECT platform, endpoint, count(*) FROM events GROUP BY platform, endpoint', [])) {
          t.endpoint(String(pl), String(e), Number(n));
        }
      }
      if (noRules) for (const [rule, n] of sealedRules(snap, seg.seq, db)) Totals.bump(t.rules, rule, n);
      continue;
    }
    const db = snap.db(seg.seq);
    if (db !== null) addQueried(t, snap, db, since, until);
  }
  for (const e of snap.overlay.values()) if (e.ts >= since && e.ts <= until) t.addEvent(e);
  for (const a of snap.overlayAlerts.values()) if (a.ts >= since && a.ts <= until) Totals.bump(t.alerts, a.severity, 1);

  const top = Math.max(0, Math.floor(q.topEndpoints ?? 10));
  const endpoints = [...t.endpoints.values()].sort(
    (a, b) =>
      b.count - a.count ||
      (a.platform < b.platform ? -1 : a.platform > b.platform ? 1 : a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0),
  );
  const topRules = Math.max(0, Math.floor(q.topRules ?? 10));
  const rules = [...t.rules]
    .filter(([, n]) => n > 0)
    .map(([rule, count]) => ({ rule, count }))
    .sort((a, b) => b.count - a.count || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  const hourly = [...t.hours.values()].filter((b) => b.count > 0).sort((a, b) => a.start - b.start);
  const days = new Map<number, Bucket>();
  for (const h of hourly) {
    const d = dayOf(h.start, offsetMin * 60_000);
    let b = days.get(d);
    if (!b) days.set(d, (b = { start: d, count: 0, byRisk: [0, 0, 0, 0] }));
    b.count += h.count;
    for (let i = 0; i < 4; i++) b.byRisk[i as 0] += h.byRisk[i as 0];
  }
  const bySeverity = Object.fromEntries([...t.alerts].filter(([, n]) => n > 0).sort());
  const alertTotal = Object.values(bySeverity).reduce((a, b) => a + b, 0);
  const total = t.byRisk.reduce((a, b) => a + b, 0);
  return {
    since: q.since ?? null,
    until: q.until ?? null,
    total,
    byRisk: t.byRisk,
    byPlatform: Object.fromEntries([...t.platform].filter(([, n]) => n > 0).sort()),
    byOutcome: Object.fromEntries([...t.outcome].filter(([, n]) => n > 0).sort()),
    topEndpoints: endpoints.slice(0, top),
    otherEndpoints: endpoints.slice(top).reduce((a, b) => a + b.count, 0),
    topRules: rules.slice(0, topRules),
    otherRules: rules.slice(topRules).reduce((a, b) => a + b.count, 0),
    hourly,
    daily: [...days.values()].sort((a, b) => a.start - b.start),
    alerts: { total: alertTotal, bySeverity, open: { total: alertTotal, bySeverity: { ...bySeverity } } },
  };
}
