// The risk dashboard's message contract: what the extension's panel (extension/src/dashboard/)
// and the page (extension/webview/) post to each other. Both sides validate what they receive
// with the parsers below. They are written by hand, not with zod: zod compiles parsers with
// `new Function`, which the page's Content-Security-Policy forbids (and reports as a violation).
//
// The page only ever receives counts from the store's aggregates, alerts' ids/rule/severity/
// message and the pause state: never events, bodies, targets or anything secret.
import { ALERT_SEVERITIES, POLICY_MODES } from './vocabulary.ts';
import type { AlertSeverity, PolicyMode } from './vocabulary.ts';

export const DASHBOARD_RANGES = ['24h', '7d', '30d'] as const;
export type DashboardRange = (typeof DASHBOARD_RANGES)[number];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Bucket size and span of each range: hours for 24 h, days for 7 and 30 days. */
export const RANGE_SPEC: Record<DashboardRange, { bucketMs: number; buckets: number }> = {
  '24h': { bucketMs: HOUR_MS, buckets: 24 },
  '7d': { bucketMs: DAY_MS, buckets: 7 },
  '30d': { bucketMs: DAY_MS, buckets: 30 },
};

/** Risk counts by level 0–3. */
export type RiskCounts = [number, number, number, number];

export interface TimelineBucket {
  /** Start of the bucket (UTC ms). */
  start: number;
  byRisk: RiskCounts;
}

export interface DashboardAlert {
  id: string;
  ts: number;
  rule: string;
  severity: AlertSeverity;
  message: string;
}

export interface DashboardPause {
  scope: 'writes' | 'all';
  by: string;
  at: number;
  reason: string;
}

export interface DashboardState {
  range: DashboardRange;
  /** When the figures were taken (UTC ms). */
  now: number;
  today: { total: number; byRisk: RiskCounts; openAlerts: number; openCritical: number };
  pause: DashboardPause | null;
  policy: PolicyMode | null;
  /** The range: [since, until] (UTC ms), its bucket size and its non-empty buckets, ascending. */
  since: number;
  until: number;
  bucketMs: number;
  timeline: TimelineBucket[];
  total: number;
  byPlatform: Record<string, number>;
  topEndpoints: { platform: string; endpoint: string; count: number }[];
  otherEndpoints: number;
  topRules: { rule: string; count: number }[];
  otherRules: number;
  /** Newest first. */
  recentAlerts: DashboardAlert[];
}

/** Panel → page. */
export type HostMessage = { type: 'state'; state: DashboardState } | { type: 'error'; message: string };

/** Page → panel. */
export type PageMessage =
  | { type: 'ready' }
  | { type: 'range'; range: DashboardRange }
  | { type: 'revealAlert'; alertId: string }
  | { type: 'pause' }
  | { type: 'resume' };

/** A parse result: the message, or why it was refused. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const MAX_ID = 128;
const MAX_TEXT = 500;

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
const isTime = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isText = (x: unknown, max: number): x is string => typeof x === 'string' && x.length <= max;
const isRisk = (x: unknown): x is RiskCounts => Array.isArray(x) && x.length === 4 && x.every(isCount);
const isCounts = (x: unknown): x is Record<string, number> => isObj(x) && Object.values(x).every(isCount);
const isRange = (x: unknown): x is DashboardRange => (DASHBOARD_RANGES as readonly unknown[]).includes(x);
const list = <T>(x: unknown, each: (y: unknown) => y is T, max: number): x is T[] => Array.isArray(x) && x.length <= max && x.every(each);

const isBucket = (x: unknown): x is TimelineBucket => isObj(x) && isTime(x.start) && isRisk(x.byRisk);
const isEndpoint = (x: unknown): x is DashboardState['topEndpoints'][number] =>
  isObj(x) && isText(x.platform, MAX_TEXT) && isText(x.endpoint, MAX_TEXT) && isCount(x.count);
const isRule = (x: unknown): x is DashboardState['topRules'][number] => isObj(x) && isText(x.rule, MAX_TEXT) && isCount(x.count);
const isAlert = (x: unknown): x is DashboardAlert =>
  isObj(x) &&
  isText(x.id, MAX_ID) &&
  isTime(x.ts) &&
  isText(x.rule, MAX_TEXT) &&
  (ALERT_SEVERITIES as readonly unknown[]).includes(x.severity) &&
  isText(x.message, MAX_TEXT * 4);
const isPause = (x: unknown): x is DashboardPause =>
  isObj(x) && (x.scope === 'writes' || x.scope === 'all') && isText(x.by, MAX_TEXT) && isTime(x.at) && isText(x.reason, MAX_TEXT * 4);

/** The first field of a state that is not what the contract says, or null when it all is. */
function badStateField(s: Record<string, unknown>): string | null {
  const today = s.today;
  const checks: [string, boolean][] = [
    ['range', isRange(s.range)],
    ['now', isTime(s.now)],
    ['today', isObj(today) && isCount(today.total) && isRisk(today.byRisk) && isCount(today.openAlerts) && isCount(today.openCritical)],
    ['pause', s.pause === null || isPause(s.pause)],
    ['policy', s.policy === null || (POLICY_MODES as readonly unknown[]).includes(s.policy)],
    ['since', isTime(s.since)],
    ['until', isTime(s.until)],
    ['bucketMs', isCount(s.bucketMs) && s.bucketMs > 0],
    ['timeline', list(s.timeline, isBucket, 10_000)],
    ['total', isCount(s.total)],
    ['byPlatform', isCounts(s.byPlatform)],
    ['topEndpoints', list(s.topEndpoints, isEndpoint, 1000)],
    ['otherEndpoints', isCount(s.otherEndpoints)],
    ['topRules', list(s.topRules, isRule, 1000)],
    ['otherRules', isCount(s.otherRules)],
    ['recentAlerts', list(s.recentAlerts, isAlert, 1000)],
  ];
  return checks.find(([, ok]) => !ok)?.[0] ?? null;
}

/** A message from the panel, checked by the page. */
export function parseHostMessage(x: unknown): Parsed<HostMessage> {
  if (!isObj(x)) return { ok: false, error: 'dashboard message: not an object' };
  if (x.type === 'error') {
    return isText(x.message, MAX_TEXT * 4)
      ? { ok: true, value: { type: 'error', message: x.message } }
      : { ok: false, error: 'dashboard message: error without a message' };
  }
  if (x.type !== 'state') return { ok: false, error: `dashboard message: unknown type ${JSON.stringify(String(x.type)).slice(0, 40)}` };
  if (!isObj(x.state)) return { ok: false, error: 'dashboard message: state is not an object' };
  const bad = badStateField(x.state);
  if (bad !== null) return { ok: false, error: `dashboard message: state.${bad} is missing or malformed` };
  return { ok: true, value: { type: 'state', state: x.state as unknown as DashboardState } };
}

/** A message from the page: untrusted input, checked by the panel before it acts on it. */
export function parsePageMessage(x: unknown): Parsed<PageMessage> {
  if (!isObj(x) || typeof x.type !== 'string') return { ok: false, error: 'dashboard page message: not an object with a type' };
  switch (x.type) {
    case 'ready':
    case 'pause':
    case 'resume':
      return { ok: true, value: { type: x.type } };
    case 'range':
      return isRange(x.range)
        ? { ok: true, value: { type: 'range', range: x.range } }
        : { ok: false, error: `dashboard page message: range must be one of ${DASHBOARD_RANGES.join(', ')}` };
    case 'revealAlert':
      return typeof x.alertId === 'string' && x.alertId.length > 0 && x.alertId.length <= MAX_ID
        ? { ok: true, value: { type: 'revealAlert', alertId: x.alertId } }
        : { ok: false, error: `dashboard page message: alertId must be a string of 1–${MAX_ID} characters` };
    default:
      return { ok: false, error: `dashboard page message: unknown type ${JSON.stringify(x.type.slice(0, 40))}` };
  }
}
