// Turns the store's aggregates into what the page shows (core/protocol/dashboard.ts): counts,
// buckets, top lists and the recent alerts' ids/rule/severity/message. Nothing else of the
// store reaches the page.
import type { DashboardRange, DashboardState, RiskCounts } from '../../../core/protocol/dashboard.ts';
import { RANGE_SPEC } from '../../../core/protocol/dashboard.ts';
import type { ControlFile } from '../../../store/control/index.ts';
import type { StoreReader } from '../../../store/read/index.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const TOP = 8;
const RECENT_ALERTS = 10;

/**
 * The local clock's offset from UTC in whole hours (minutes): the store's day buckets need whole
 * hours, so a half-hour zone (India, +5:30) gets days starting at 00:30 or 23:30 local time.
 */
export function localOffsetMinutes(at: number): number {
  return Math.trunc(-new Date(at).getTimezoneOffset() / 60) * 60;
}

/** Start of the local day holding `now`, with the offset above (UTC ms). */
export function dayStart(now: number, offsetMinutes: number): number {
  const off = offsetMinutes * 60_000;
  return Math.floor((now + off) / DAY_MS) * DAY_MS - off;
}

/** [since, until] of a range ending now: whole buckets, the current one included. */
export function rangeWindow(range: DashboardRange, now: number, offsetMinutes: number): { since: number; until: number } {
  const { bucketMs, buckets } = RANGE_SPEC[range];
  const first = bucketMs === HOUR_MS ? Math.floor(now / HOUR_MS) * HOUR_MS : dayStart(now, offsetMinutes);
  return { since: first - (buckets - 1) * bucketMs, until: now };
}

export function buildState(
  reader: StoreReader,
  control: ControlFile | null,
  range: DashboardRange,
  now: number,
  offsetMinutes = localOffsetMinutes(now),
): DashboardState {
  const { since, until } = rangeWindow(range, now, offsetMinutes);
  const today = reader.aggregate({ since: dayStart(now, offsetMinutes), until, topEndpoints: 0, topRules: 0 });
  const agg = reader.aggregate({ since, until, topEndpoints: TOP, topRules: TOP, utcOffsetMinutes: offsetMinutes });
  const buckets = RANGE_SPEC[range].bucketMs === HOUR_MS ? agg.hourly : agg.daily;
  const alerts = reader.alerts({}, { limit: RECENT_ALERTS }).alerts;
  const pause = control?.pause ?? null;
  return {
    range,
    now,
    today: {
      total: today.total,
      byRisk: [...today.byRisk] as RiskCounts,
      openAlerts: today.alerts.open.total,
      openCritical: today.alerts.open.bySeverity.critical ?? 0,
    },
    pause: pause && { scope: pause.scope, by: pause.by, at: pause.at, reason: pause.reason },
    policy: control?.policy ?? null,
    since,
    until,
    bucketMs: RANGE_SPEC[range].bucketMs,
    timeline: buckets.map((b) => ({ start: b.start, byRisk: [...b.byRisk] as RiskCounts })),
    total: agg.total,
    byPlatform: { ...agg.byPlatform },
    topEndpoints: agg.topEndpoints.map(({ platform, endpoint, count }) => ({ platform, endpoint, count })),
    otherEndpoints: agg.otherEndpoints,
    topRules: agg.topRules.map(({ rule, count }) => ({ rule, count })),
    otherRules: agg.otherRules,
    recentAlerts: alerts.map(({ id, ts, rule, severity, message }) => ({ id, ts, rule, severity, message })),
  };
}
