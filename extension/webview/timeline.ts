// The timeline of operations by risk level: stacked bars drawn by uPlot on a canvas.
import uPlot from 'uplot';
import type { DashboardState } from '../../core/protocol/dashboard.ts';
import { RANGE_NAMES, RISK_LABELS, fmt, timelineColumns } from './format.ts';
import { chartColours } from './theme.ts';

const HEIGHT = 220;
/** Axis labels stay short at any volume: 30K, 1.2M. */
const compact = new Intl.NumberFormat(undefined, { notation: 'compact' });

export class Timeline {
  private plot: uPlot | undefined;
  private state: DashboardState | undefined;
  private readonly resize = new ResizeObserver(() => this.fit());

  constructor(readonly host: HTMLElement) {
    this.resize.observe(host);
  }

  /** Draws `state`'s timeline, replacing the previous chart (cheap: at most 30 buckets). */
  show(state: DashboardState): void {
    this.state = state;
    this.draw();
  }

  /** Redraws with the current theme colours. */
  retheme(): void {
    if (this.state) this.draw();
  }

  dispose(): void {
    this.resize.disconnect();
    this.plot?.destroy();
  }

  private fit(): void {
    if (this.plot && this.host.clientWidth > 0) this.plot.setSize({ width: this.host.clientWidth, height: HEIGHT });
  }

  private draw(): void {
    const s = this.state!;
    const { x, raw, stacked } = timelineColumns(s);
    // The legend shows the bucket under the cursor, else the totals of the whole range shown.
    const totals = raw.map((col) => col.reduce((a, b) => a + b, 0));
    const c = chartColours();
    const hourly = s.bucketMs < 86_400_000;
    const bars = uPlot.paths.bars!({ size: [0.7, 40], gap: 1 });
    const axis = { stroke: c.foreground, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid, width: 1 } };
    const opts: uPlot.Options = {
      width: Math.max(this.host.clientWidth, 300),
      height: HEIGHT,
      padding: [8, 8, 0, 0],
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      legend: { live: true },
      scales: {
        x: { time: true, range: (_u, min, max) => [min - s.bucketMs / 2000, max + s.bucketMs / 2000] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
      },
      axes: [
        { ...axis, values: (_u, ticks) => ticks.map((t) => tickLabel(t * 1000, hourly)) },
        { ...axis, size: 56, values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? compact.format(t) : '')) },
      ],
      series: [
        {
          label: hourly ? 'Hour' : 'Day',
          value: (_u, t) => (t == null ? `all, ${RANGE_NAMES[s.range].toLowerCase()}` : tickLabel(t * 1000, hourly)),
        },
        ...RISK_LABELS.map((label, l) => ({
          label,
          fill: c.risk[l],
          stroke: c.risk[l],
          width: 0,
          paths: bars,
          points: { show: false },
          // The legend shows the level's own count (not its stack height), or its total when no bucket is pointed at.
          value: (_u: uPlot, _v: number | null, _si: number, i: number | null) => fmt(i == null ? totals[l]! : raw[l]![i]!),
        })),
      ],
    };
    this.plot?.destroy();
    this.host.replaceChildren();
    this.host.dataset.riskColours = c.risk.join(' ');
    this.plot = new uPlot(opts, [x, ...stacked], this.host);
    const canvas = this.host.querySelector('canvas');
    canvas?.setAttribute('role', 'img');
    canvas?.setAttribute('aria-label', describe(s, totals));
  }
}

function tickLabel(ms: number, hourly: boolean): string {
  const d = new Date(ms);
  return hourly
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString([], { month: 'short', day: 'numeric' });
}

/** What a screen reader says for the chart: the totals per level over the range. */
function describe(s: DashboardState, sums: number[]): string {
  const parts = RISK_LABELS.map((label, l) => `${label.toLowerCase()} ${fmt(sums[l]!)}`);
  return `Timeline of ${fmt(s.total)} operations by risk level, ${s.range === '24h' ? 'by hour' : 'by day'}: ${parts.join(', ')}`;
}
