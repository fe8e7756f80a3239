// How an audit event or alert reads in the tree: label, description, tooltip (markdown text),
// accessibility label, and its risk icon and colour. Pure: event fields are data written by
// agents' calls, so everything that reaches markdown is escaped here.
import type { Alert, AuditEvent } from '../../../core/types.ts';

export const RISK_NAMES = ['read', 'routine write', 'sensitive', 'dangerous'] as const;

/** Codicon and theme colour per risk level 0–3. */
export const RISK_ICONS: readonly { icon: string; color: string }[] = [
  { icon: 'pass', color: 'charts.green' },
  { icon: 'info', color: 'charts.blue' },
  { icon: 'warning', color: 'charts.yellow' },
  { icon: 'error', color: 'charts.red' },
];

export const eventLabel = (e: AuditEvent): string => `${e.method} ${e.endpoint}${e.operation ? ` ${e.operation}` : ''}`;

/** "3 min ago", "yesterday"-free: short and stable. */
export function relativeTime(ts: number, now: number): string {
  const s = Math.round((now - ts) / 1000);
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  return `${d} d ago`;
}

export function eventDescription(e: AuditEvent, now: number): string {
  const status = e.outcome === 'forwarded' ? String(e.status ?? '—') : e.status !== null ? `${e.outcome} ${e.status}` : e.outcome;
  const latency = e.latency_ms === null ? '—' : `${Math.round(e.latency_ms)} ms`;
  return `${status} · ${latency} · ${relativeTime(e.ts, now)}`;
}

/** Escapes markdown (and HTML, and autolinks) so event strings render as plain text. */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+\-.!|~:]/g, '\\$&')
    .replace(/[\r\n\u2028\u2029]+/g, ' ');
}

export function eventTooltip(e: AuditEvent, alerts: readonly Pick<Alert, 'message' | 'severity'>[]): string {
  const x = escapeMarkdown;
  const pii = Object.entries(e.pii)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${x(k)} ${n}`);
  const lines = [
    `**${x(eventLabel(e))}**`,
    '',
    `Risk: ${e.risk_level} (${RISK_NAMES[e.risk_level]}) · ${x(e.platform)}${e.target ? ` · ${x(e.target)}` : ''}`,
    `Outcome: ${x(e.outcome)}${e.status !== null ? ` · HTTP ${e.status}` : ''}${e.latency_ms !== null ? ` · ${Math.round(e.latency_ms)} ms` : ''}`,
    `Rules: ${e.rules.length ? e.rules.map(x).join(', ') : 'none'}`,
    `PII found (scrubbed): ${pii.length ? pii.join(', ') : 'none'}`,
    ...(e.error ? [`Error: ${x(e.error)}`] : []),
    ...alerts.map((a) => `Alert (${x(a.severity)}): ${x(a.message)}`),
    `Tool ${x(e.tool)} · client ${x(e.client)} · ${new Date(e.ts).toISOString()}`,
  ];
  return lines.join('  \n');
}

export function eventAccessibilityLabel(e: AuditEvent, now: number): string {
  return `${eventLabel(e)}, risk ${RISK_NAMES[e.risk_level]}, ${e.outcome}${e.status !== null ? ` ${e.status}` : ''}, ${relativeTime(e.ts, now)}`;
}
