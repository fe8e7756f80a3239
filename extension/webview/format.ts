// Number, time and bucket helpers for the page (pure: no DOM).
import type { DashboardRange, DashboardState, RiskCounts } from '../../core/protocol/dashboard.ts';

export const RISK_LABELS = ['Read', 'Routine write', 'Sensitive', 'Dangerous'] as const;

export const RANGE_NAMES: Record<DashboardRange, string> = { '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days' };

const numberFormat = new Intl.NumberFormat();
export const fmt = (n: number): string => numberFormat.format(n);

/** "3 min ago", "2 h ago", or a date for older times. */
export function ago(ts: number, now: number): string {
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(ts).toLocaleDateString();
}

/**
 * The timeline as uPlot columns: every bucket of the range (empty ones as 0), x in seconds, and
 * for each risk level the count (raw) and its stack height: bars are drawn from the tallest
 * stack down, so each level shows as its own band, dangerous at the bottom where it is seen.
 */
export function timelineColumns(s: DashboardState): { x: number[]; raw: number[][]; stacked: number[][] } {
  const byStart = new Map(s.timeline.map((b) => [b.start, b.byRisk]));
  const first = s.timeline.length > 0 ? Math.min(s.since, s.timeline[0]!.start) : s.since;
  const x: number[] = [];
  const raw: number[][] = [[], [], [], []];
  for (let t = first; t <= s.until; t += s.bucketMs) {
    const r: RiskCounts = byStart.get(t) ?? [0, 0, 0, 0];
    x.push(t / 1000);
    for (let l = 0; l < 4; l++) raw[l]!.push(r[l]!);
  }
  // stacked[l] = sum of levels l..3: level 0's bar is the whole stack, level 3's the bottom band.
  const stacked = raw.map((_, l) => x.map((_, i) => raw.slice(l).reduce((a, col) => a + col[i]!, 0)));
  return { x, raw, stacked };
}
