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

/**
 * How a call ended, as the tree tells it apart: forwarded (the API answered), refused by Warden
 * (blocked by policy or pause, denied: declined, unconfirmable, or a host not allowed — never
 * sent), failed (sent, but no answer: network error, timeout), throttled (the API answered 429).
 */
export type OutcomeKind = 'forwarded' | 'refused' | 'failed' | 'throttled';

export function outcomeKind(outcome: string): OutcomeKind {
  switch (outcome) {
    case 'blocked':
    case 'denied':
      return 'refused';
    case 'error':
      return 'failed';
    case 'throttled':
      return 'throttled';
    default:
      return 'forwarded';
  }
}

/** Codicon per outcome other than forwarded (a forwarded call shows its risk icon). */
export const OUTCOME_ICONS: Readonly<Record<Exclude<OutcomeKind, 'forwarded'>, string>> = {
  refused: 'circle-slash',
  failed: 'debug-disconnect',
  throttled: 'watch',
};

/**
 * The event's icon: the shape says how it ended (a forwarded call: its risk icon; refused,
 * failed, throttled: their own), the colour always says its risk.
 */
export function eventIcon(e: AuditEvent): { icon: string; color: string } {
  const risk = RISK_ICONS[e.risk_level] ?? RISK_ICONS[0]!;
  const kind = outcomeKind(e.outcome);
  return kind === 'forwarded' ? risk : { icon: OUTCOME_ICONS[kind], color: risk.color };
}

/** The outcome in words, for the description, tooltip and screen readers. */
export function outcomeText(e: AuditEvent): string {
  switch (outcomeKind(e.outcome)) {
    case 'refused':
      return `${e.outcome} by Warden, not sent`;
    case 'failed':
      return `failed (${e.outcome}${e.status !== null ? ` ${e.status}` : ''}), no answer from the API`;
    case 'throttled':
      return `throttled by the API${e.status !== null ? ` (${e.status})` : ''}`;
    case 'forwarded':
      return `forwarded${e.status !== null ? `, HTTP ${e.status}` : ''}`;
  }
}

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

/** "200 · 42 ms · 5 min ago"; a refused call: "blocked by Warden · 5 min ago" (never sent: no status, no latency). */
export function eventDescription(e: AuditEvent, now: number): string {
  const when = relativeTime(e.ts, now);
  const latency = e.latency_ms === null ? '—' : `${Math.round(e.latency_ms)} ms`;
  switch (outcomeKind(e.outcome)) {
    case 'refused':
      return `${e.outcome} by Warden · ${when}`;
    case 'failed':
      return `failed: ${e.outcome}${e.status !== null ? ` ${e.status}` : ''} · ${latency} · ${when}`;
    case 'throttled':
      return `throttled${e.status !== null ? ` ${e.status}` : ''} · ${latency} · ${when}`;
    case 'forwarded':
      return `${e.status ?? '—'} · ${latency} · ${when}`;
  }
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
    `Outcome: ${x(outcomeText(e))}${e.latency_ms !== null ? ` · ${Math.round(e.latency_ms)} ms` : ''}`,
    `Rules: ${e.rules.length ? e.rules.map(x).join(', ') : 'none'}`,
    `PII found (scrubbed): ${pii.length ? pii.join(', ') : 'none'}`,
    ...(e.error ? [`Error: ${x(e.error)}`] : []),
    ...alerts.map((a) => `Alert (${x(a.severity)}): ${x(a.message)}`),
    `Tool ${x(e.tool)} · client ${x(e.client)} · ${new Date(e.ts).toISOString()}`,
  ];
  return lines.join('  \n');
}

export function eventAccessibilityLabel(e: AuditEvent, now: number): string {
  return `${eventLabel(e)}, ${outcomeText(e)}, risk ${RISK_NAMES[e.risk_level]}, ${relativeTime(e.ts, now)}`;
}
