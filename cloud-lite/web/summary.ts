// The same summary as the extension's dashboard (core/protocol/dashboard.ts DashboardState), for
// one signed-in user, from the store's aggregates. Days are UTC days (the page does not know
// the reader's zone). The cloud has no acknowledged state for alerts: "open" counts today's.
import { RANGE_SPEC, type DashboardRange, type DashboardState } from '../../core/protocol/dashboard.ts';
import type { CloudStore } from '../store/types.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const TOP = 8;
const RECENT_ALERTS = 10;

/** [since, until) of a range ending now: whole buckets, the current one included. */
export function rangeWindow(range: DashboardRange, now: number): { since: number; until: number; todayStart: number } {
  const { bucketMs, buckets } = RANGE_SPEC[range];
  const todayStart = Math.floor(now / DAY_MS) * DAY_MS;
  const first = bucketMs === HOUR_MS ? Math.floor(now / HOUR_MS) * HOUR_MS : todayStart;
  return { since: first - (buckets - 1) * bucketMs, until: first + bucketMs, todayStart };
}

export async function buildSummary(store: CloudStore, user: string, range: DashboardRange, now: number): Promise<DashboardState> {
  const { since, until, todayStart } = rangeWindow(range, now);
  const bucketMs = RANGE_SPEC[range].bucketMs;
  const [counts, alerts] = await Promise.all([
    store.web.summary({ user, since, until, bucketMs, todayStart, top: TOP }),
    store.pageAlerts({ user, limit: RECENT_ALERTS, cursor: null }),
  ]);
  return {
    range,
    now,
    today: { total: counts.today.total, byRisk: counts.today.byRisk, openAlerts: counts.today.alerts, openCritical: counts.today.critical },
    pause: null,
    policy: null,
    since,
    until,
    bucketMs,
    timeline: counts.timeline,
    total: counts.total,
    byPlatform: counts.byPlatform,
    topEndpoints: counts.topEndpoints,
    otherEndpoints: counts.otherEndpoints,
    topRules: counts.topRules,
    otherRules: counts.otherRules,
    recentAlerts: alerts.alerts.map(({ id, ts, rule, severity, message }) => ({ id, ts, rule, severity, message })),
  };
}
