// The alert email itself: subject, plain text and HTML, from what the store read (the alert and
// its events' patterns, operations and times). What goes in is chosen field by field: the rule,
// severity, message (counts and categories only, core/alerts/sequence.ts), platforms, endpoint
// patterns, operations, methods, UTC times, the session id and the alert id. Never an event's
// target, error, status, usage or id. Every value is HTML-escaped; the HTML has no remote image,
// stylesheet or link.
import { createHash } from 'node:crypto';
import type { MailAlertContent, MailContent, MailEventFacts } from './store.ts';

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

/** Deterministic: the same alert always gets the same Message-ID (receivers de-duplicate). */
export function singleMessageId(user: string, alertId: string, domain: string): string {
  return `<alert.${digest(['alert', user, alertId])}@${domain}>`;
}

export function digestMessageId(user: string, alertIds: readonly string[], domain: string): string {
  return `<digest.${digest(['digest', user, ...[...alertIds].sort()])}@${domain}>`;
}

function digest(parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 40);
}

/** One line of header-safe text: no control characters (no CR/LF smuggled into a subject), bounded. */
function oneLine(text: string, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return clean.length > max ? clean.slice(0, max - 1) + '…' : clean;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const iso = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : 'unknown time');

interface AlertSummary {
  rule: string;
  severity: string;
  message: string;
  session: string;
  alertId: string;
  time: string;
  platforms: string[];
  eventCount: number;
  /** Distinct "METHOD pattern (operation)" lines, first seen first. */
  operations: string[];
  first: string | null;
  last: string | null;
  events: MailEventFacts[];
}

function summarize(a: MailAlertContent): AlertSummary {
  const events = a.events;
  const operations = [...new Set(events.map((e) => oneLine(`${e.method} ${e.endpoint}${e.operation ? ` (${e.operation})` : ''}`, 200)))];
  const platforms = [...new Set(events.map((e) => e.platform))];
  return {
    rule: oneLine(a.alert?.rule ?? 'unknown rule'),
    severity: oneLine(a.alert?.severity ?? 'critical'),
    message: oneLine(a.alert?.message ?? '(the alert is no longer stored)', 300),
    session: oneLine(a.alert?.session_id ?? 'unknown', 200),
    alertId: oneLine(a.alertId, 200),
    time: a.alert ? iso(a.alert.ts) : 'unknown time',
    platforms: platforms.length > 0 ? platforms : ['unknown platform'],
    eventCount: a.alert?.event_ids.length ?? events.length,
    operations,
    first: events.length > 0 ? iso(events[0]!.ts) : null,
    last: events.length > 0 ? iso(events[events.length - 1]!.ts) : null,
    events,
  };
}

const FOOTER = 'Sent by Warden cloud-lite. Events hold endpoint patterns and operations only: no request bodies, targets or customer data.';

function textOfAlert(s: AlertSummary): string {
  const lines = [
    `Rule:       ${s.rule}`,
    `Severity:   ${s.severity}`,
    `What:       ${s.message}`,
    `Platform:   ${s.platforms.join(', ')}`,
    `Session:    ${s.session}`,
    `Raised at:  ${s.time}`,
    `Events:     ${s.eventCount}${s.first ? ` (${s.first} to ${s.last})` : ''}`,
    `Alert id:   ${s.alertId}`,
  ];
  if (s.events.length > 0) {
    lines.push('', 'Operations, oldest first:');
    for (const e of s.events)
      lines.push(
        `  ${iso(e.ts)}  ${e.platform}  ${e.action}  ${oneLine(e.method, 16)} ${oneLine(e.endpoint, 200)}${e.operation ? `  ${oneLine(e.operation, 200)}` : ''}`,
      );
    if (s.eventCount > s.events.length) lines.push(`  … and ${s.eventCount - s.events.length} more`);
  }
  return lines.join('\n');
}

function htmlOfAlert(s: AlertSummary): string {
  const row = (k: string, v: string): string =>
    `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`;
  const table = [
    row('Rule', s.rule),
    row('Severity', s.severity),
    row('What', s.message),
    row('Platform', s.platforms.join(', ')),
    row('Session', s.session),
    row('Raised at', s.time),
    row('Events', `${s.eventCount}${s.first ? ` (${s.first} to ${s.last})` : ''}`),
    row('Alert id', s.alertId),
  ].join('');
  let ops = '';
  if (s.events.length > 0) {
    const items = s.events
      .map(
        (e) =>
          `<tr><td>${escapeHtml(iso(e.ts))}</td><td>${escapeHtml(e.platform)}</td><td>${escapeHtml(e.action)}</td><td>${escapeHtml(
            oneLine(e.method, 16),
          )}</td><td><code>${escapeHtml(oneLine(e.endpoint, 200))}</code></td><td>${escapeHtml(e.operation ? oneLine(e.operation, 200) : '')}</td></tr>`,
      )
      .join('');
    const more = s.eventCount > s.events.length ? `<p>… and ${s.eventCount - s.events.length} more</p>` : '';
    ops =
      `<h3>Operations, oldest first</h3><table cellpadding="4" style="border-collapse:collapse">` +
      `<tr><th>Time (UTC)</th><th>Platform</th><th>Action</th><th>Method</th><th>Endpoint pattern</th><th>Operation</th></tr>${items}</table>${more}`;
  }
  return `<table>${table}</table>${ops}`;
}

function page(title: string, body: string): string {
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family:sans-serif;font-size:14px">${body}<p style="color:#666;font-size:12px">${escapeHtml(FOOTER)}</p></body></html>`
  );
}

export function composeMail(content: MailContent): ComposedMail {
  const alerts = content.alerts.map(summarize);
  if (content.kind === 'alert' && alerts.length === 1) {
    const s = alerts[0]!;
    const subject = oneLine(`[Warden] ${s.severity.toUpperCase()}: ${s.rule} on ${s.platforms.join(', ')}`, 200);
    const intro = `Warden cloud-lite raised a ${s.severity} alert on events your guard uploaded.`;
    return {
      subject,
      text: `${intro}\n\n${textOfAlert(s)}\n\n${FOOTER}\n`,
      html: page(subject, `<h2>${escapeHtml(subject)}</h2><p>${escapeHtml(intro)}</p>${htmlOfAlert(s)}`),
    };
  }
  const rules = [...new Set(alerts.map((s) => s.rule))];
  const platforms = [...new Set(alerts.flatMap((s) => s.platforms))];
  const subject = oneLine(
    `[Warden] Digest: ${alerts.length} critical alert${alerts.length === 1 ? '' : 's'} (${rules.join(', ')}) on ${platforms.join(', ')}`,
    200,
  );
  const intro = `These alerts were held by the hourly email limit and are sent together. The newest is last.`;
  const brief = (s: AlertSummary): string =>
    `${s.time}  ${s.severity.toUpperCase()}  ${s.rule} on ${s.platforms.join(', ')}: ${s.message} (${s.eventCount} events; session ${s.session}; alert ${s.alertId})`;
  const text = [intro, '', ...alerts.map((s) => `- ${brief(s)}\n    ${s.operations.slice(0, 5).join('\n    ')}`), '', FOOTER, ''].join(
    '\n',
  );
  const items = alerts
    .map(
      (s) =>
        `<li><b>${escapeHtml(s.severity.toUpperCase())} ${escapeHtml(s.rule)}</b> on ${escapeHtml(s.platforms.join(', '))} at ${escapeHtml(s.time)}: ` +
        `${escapeHtml(s.message)} (${s.eventCount} events; session ${escapeHtml(s.session)}; alert ${escapeHtml(s.alertId)})` +
        `<ul>${s.operations
          .slice(0, 5)
          .map((o) => `<li><code>${escapeHtml(o)}</code></li>`)
          .join('')}</ul></li>`,
    )
    .join('');
  return { subject, text, html: page(subject, `<h2>${escapeHtml(subject)}</h2><p>${escapeHtml(intro)}</p><ul>${items}</ul>`) };
}
