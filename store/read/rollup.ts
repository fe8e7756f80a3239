// A sealed segment's rollup: the counts a dashboard needs, computed once by the folder when it
// seals the segment and kept with the segment's manifest entry (in the newest segment's meta).
// A segment that lies wholly inside an aggregate's time range is then counted from its rollup
// without being opened. Segments sealed before rollups existed have none: readers query them.
import type { Database, SqlValue } from 'sql.js';

export const ROLLUP_VERSION = 1;
/** Above this many distinct endpoints or sessions in one segment, that part is left out (null). */
export const ROLLUP_MAX_KEYS = 2000;
export const HOUR_MS = 3_600_000;

/** Per UTC hour: [hour start (ms), events, risk 0, risk 1, risk 2, risk 3], ascending. */
export type HourBucket = [number, number, number, number, number, number];
/** [platform, endpoint pattern, events]. */
export type EndpointCount = [string, string, number];
/** [rule id, times it fired]. */
export type RuleCount = [string, number];
/** [session id, client, first ts, last ts, events, max risk]. */
export type SessionRow = [string, string, number, number, number, number];

export interface SegmentRollup {
  v: number;
  hours: HourBucket[];
  /** Events by risk level 0–3. */
  risk: [number, number, number, number];
  platform: Record<string, number>;
  outcome: Record<string, number>;
  endpoints: EndpointCount[] | null;
  sessions: SessionRow[] | null;
  /**
   * Rule ids fired in the segment. Absent on segments sealed before rule counts existed and null
   * above ROLLUP_MAX_KEYS distinct rules: readers count those segments' rules with SQL.
   */
  rules?: RuleCount[] | null;
  /** Alerts by severity. */
  alerts: Record<string, number>;
}

const num = (v: SqlValue | undefined): number => Number(v ?? 0);
const str = (v: SqlValue | undefined): string => String(v ?? '');

/** Per-hour bucket of a timestamp (UTC): the same arithmetic as the SQL below. */
export function hourOf(ts: number): number {
  return Math.trunc(ts / HOUR_MS) * HOUR_MS;
}

/** SQL expression of hourOf(ts). */
export const HOUR_SQL = `CAST(ts / ${HOUR_MS} AS INTEGER) * ${HOUR_MS}`;

function rows(db: Database, sql: string): SqlValue[][] {
  return db.exec(sql)[0]?.values ?? [];
}

/**
 * SQL counting how often each rule id fired on the `events` rows matching `where` (each row's
 * `rules` is a JSON array). The subquery keeps `where`'s column names unambiguous (json_each
 * has an `id` column too).
 */
export function rulesSql(where = ''): string {
  return `SELECT r.value, count(*) FROM (SELECT rules FROM events ${where}) AS e, json_each(e.rules) AS r GROUP BY r.value`;
}

/** The rollup of every event and alert in `db` (a segment about to be sealed). */
export function computeRollup(db: Database): SegmentRollup {
  const hours = rows(
    db,
    `SELECT ${HOUR_SQL} AS h, count(*), sum(risk_level = 0), sum(risk_level = 1), sum(risk_level = 2), sum(risk_level = 3)
     FROM events GROUP BY h ORDER BY h`,
  ).map((r) => r.map(num) as HourBucket);
  const risk: [number, number, number, number] = [0, 0, 0, 0];
  for (const [, , r0, r1, r2, r3] of hours) {
    risk[0] += r0;
    risk[1] += r1;
    risk[2] += r2;
    risk[3] += r3;
  }
  const counts = (sql: string): Record<string, number> => Object.fromEntries(rows(db, sql).map(([k, n]) => [str(k), num(n)]));
  const endpoints = rows(
    db,
    `SELECT platform, endpoint, count(*) FROM events GROUP BY platform, endpoint LIMIT ${ROLLUP_MAX_KEYS + 1}`,
  ).map(([p, e, n]) => [str(p), str(e), num(n)] as EndpointCount);
  const sessions = rows(
    db,
    `SELECT session_id, client, min(ts), max(ts), count(*), max(risk_level) FROM events GROUP BY session_id, client LIMIT ${ROLLUP_MAX_KEYS + 1}`,
  ).map(([s, c, a, b, n, r]) => [str(s), str(c), num(a), num(b), num(n), num(r)] as SessionRow);
  const rules = rows(db, `${rulesSql()} LIMIT ${ROLLUP_MAX_KEYS + 1}`).map(([k, n]) => [str(k), num(n)] as RuleCount);
  return {
    v: ROLLUP_VERSION,
    hours,
    risk,
    platform: counts('SELECT platform, count(*) FROM events GROUP BY platform'),
    outcome: counts('SELECT outcome, count(*) FROM events GROUP BY outcome'),
    endpoints: endpoints.length > ROLLUP_MAX_KEYS ? null : endpoints,
    sessions: sessions.length > ROLLUP_MAX_KEYS ? null : sessions,
    rules: rules.length > ROLLUP_MAX_KEYS ? null : rules,
    alerts: counts('SELECT severity, count(*) FROM alerts GROUP BY severity'),
  };
}

const isCounts = (x: unknown): x is Record<string, number> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && Object.values(x).every((n) => typeof n === 'number');
const isTuples = (x: unknown, width: number): boolean => Array.isArray(x) && x.every((t) => Array.isArray(t) && t.length === width);

/** A stored rollup this build understands, or undefined (then the segment is queried instead). */
export function asRollup(x: unknown): SegmentRollup | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const r = x as Partial<SegmentRollup>;
  const ok =
    r.v === ROLLUP_VERSION &&
    isTuples(r.hours, 6) &&
    Array.isArray(r.risk) &&
    r.risk.length === 4 &&
    isCounts(r.platform) &&
    isCounts(r.outcome) &&
    isCounts(r.alerts) &&
    (r.endpoints === null || isTuples(r.endpoints, 3)) &&
    (r.sessions === null || isTuples(r.sessions, 6)) &&
    (r.rules === undefined || r.rules === null || isTuples(r.rules, 2));
  return ok ? (r as SegmentRollup) : undefined;
}
