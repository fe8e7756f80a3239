// The dashboard's pages, rendered on the server. Every value that comes from the store or the
// request goes through esc() (text and attribute values alike); numbers are formatted by us.
// No script anywhere: the CSP forbids it (http.ts).
import type { DashboardRange, DashboardState, RiskCounts } from '../../core/protocol/dashboard.ts';
import { DASHBOARD_RANGES } from '../../core/protocol/dashboard.ts';
import type { Alert, AuditEvent } from '../../core/types.ts';
import { STYLE_PATH } from './style.ts';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const num = (n: number): string => n.toLocaleString('en-US');

export function time(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

const RISK_NAMES = ['read', 'routine write', 'sensitive', 'dangerous'] as const;

function risk(level: number): string {
  const l = Math.max(0, Math.min(3, Math.trunc(level)));
  return `<span class="risk r${l}" title="${esc(RISK_NAMES[l])}">${l}</span>`;
}

export type Section = 'summary' | 'events' | 'alerts';

export interface Chrome {
  title: string;
  /** Signed in: the nav, the user and the sign-out form with its token. */
  signedIn?: { user: string; keyId: string; csrf: string; section: Section };
}

export function layout(c: Chrome, body: string): string {
  const s = c.signedIn;
  const link = (href: string, label: string, section: Section): string =>
    `<a href="${href}"${s?.section === section ? ' aria-current="page"' : ''}>${label}</a>`;
  const header = s
    ? `<header><span class="brand">Warden</span><nav>${link('/', 'Summary', 'summary')}${link('/events', 'Events', 'events')}${link('/alerts', 'Alerts', 'alerts')}</nav>` +
      `<span class="who" data-test="user">${esc(s.user)} · ${esc(s.keyId)}</span>` +
      `<form class="inline" method="post" action="/logout"><input type="hidden" name="csrf" value="${esc(s.csrf)}"><button type="submit" data-test="sign-out">Sign out</button></form></header>`
    : '<header><span class="brand">Warden</span></header>';
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${esc(c.title)} · Warden</title><link rel="stylesheet" href="${STYLE_PATH}"></head>` +
    `<body>${header}<main>${body}</main></body></html>`
  );
}

export function loginPage(o: { csrf: string; error?: string; keyId?: string }): string {
  return layout(
    { title: 'Sign in' },
    `<form class="login" method="post" action="/login"><h1>Sign in</h1>` +
      `<p class="muted">With the key id and secret that <code>cloud-lite keys create</code> printed.</p>` +
      (o.error ? `<p class="error" role="alert" data-test="error">${esc(o.error)}</p>` : '') +
      `<input type="hidden" name="csrf" value="${esc(o.csrf)}">` +
      `<label for="key_id">Key id</label><input id="key_id" name="key_id" autocomplete="username" required maxlength="128" value="${esc(o.keyId ?? '')}">` +
      `<label for="secret">Secret</label><input id="secret" name="secret" type="password" autocomplete="current-password" required maxlength="512">` +
      `<button class="primary" type="submit">Sign in</button></form>`,
  );
}

export function messagePage(title: string, text: string, chrome?: Chrome['signedIn']): string {
  return layout({ title, ...(chrome ? { signedIn: chrome } : {}) }, `<h1>${esc(title)}</h1><p>${esc(text)}</p><p><a href="/">Back</a></p>`);
}

function riskCards(label: string, total: number, byRisk: RiskCounts): string {
  return (
    `<div class="card"><div class="n">${num(total)}</div><div class="l">${esc(label)}</div></div>` +
    byRisk.map((n, l) => `<div class="card"><div class="n">${num(n)}</div><div class="l">${risk(l)} ${RISK_NAMES[l]}</div></div>`).join('')
  );
}

function bucketLabel(start: number, bucketMs: number): string {
  const iso = new Date(start).toISOString();
  return bucketMs < 86_400_000 ? iso.slice(11, 16) : iso.slice(5, 10);
}

/** Stacked bars by risk, one per bucket of the range (empty ones included): plain SVG, no script. */
function timelineSvg(s: DashboardState): string {
  const n = Math.max(1, Math.round((s.until - s.since) / s.bucketMs));
  const byStart = new Map(s.timeline.map((b) => [b.start, b.byRisk]));
  const W = 760;
  const H = 180;
  const left = 44;
  const bottom = 22;
  const top = 8;
  const plotH = H - bottom - top;
  const bw = (W - left - 8) / n;
  const totals = s.timeline.map((b) => b.byRisk.reduce((a, x) => a + x, 0));
  const max = Math.max(1, ...totals);
  const parts: string[] = [];
  parts.push(`<line x1="${left}" y1="${H - bottom}" x2="${W - 8}" y2="${H - bottom}"/>`);
  parts.push(`<text x="${left - 6}" y="${top + 8}" text-anchor="end">${num(max)}</text>`);
  parts.push(`<text x="${left - 6}" y="${H - bottom}" text-anchor="end">0</text>`);
  const every = Math.ceil(n / 12);
  for (let i = 0; i < n; i++) {
    const start = s.since + i * s.bucketMs;
    const counts = byStart.get(start) ?? [0, 0, 0, 0];
    const x = left + i * bw + 1;
    let y = H - bottom;
    const total = counts.reduce((a, c) => a + c, 0);
    const rects = counts
      .map((c, level) => {
        if (c === 0) return '';
        const h = (c / max) * plotH;
        y -= h;
        return `<rect class="r${level}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${h.toFixed(1)}"/>`;
      })
      .join('');
    parts.push(`<g><title>${esc(`${time(start)}: ${num(total)} (risk 0–3: ${counts.join(' / ')})`)}</title>${rects}</g>`);
    if (i % every === 0) {
      parts.push(`<text x="${(x + bw / 2).toFixed(1)}" y="${H - 6}" text-anchor="middle">${esc(bucketLabel(start, s.bucketMs))}</text>`);
    }
  }
  return `<svg class="timeline" viewBox="0 0 ${W} ${H}" role="img" aria-label="Events by risk over the range" data-test="timeline">${parts.join('')}</svg>`;
}

function table(head: string[], rows: string[][], numeric: number[] = [], empty = 'Nothing yet.'): string {
  if (rows.length === 0) return `<p class="muted">${esc(empty)}</p>`;
  const th = head.map((h, i) => `<th${numeric.includes(i) ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
}

function alertRows(alerts: readonly Pick<Alert, 'ts' | 'severity' | 'rule' | 'message'>[]): string[][] {
  return alerts.map((a) => [
    esc(time(a.ts)),
    `<span class="sev-${esc(a.severity)}">${esc(a.severity)}</span>`,
    esc(a.rule),
    esc(a.message),
  ]);
}

export function summaryPage(s: DashboardState): string {
  const ranges = DASHBOARD_RANGES.map(
    (r: DashboardRange) => `<a href="/?range=${r}"${r === s.range ? ' aria-current="page"' : ''}>${r}</a>`,
  ).join('');
  const platformMax = Math.max(1, ...Object.values(s.byPlatform));
  const platforms = Object.entries(s.byPlatform)
    .sort(([, a], [, b]) => b - a)
    .map(([p, n]) => [esc(p), num(n), `<meter min="0" max="${platformMax}" value="${n}"></meter>`]);
  const endpoints = s.topEndpoints.map((e) => [esc(e.platform), `<span class="mono">${esc(e.endpoint)}</span>`, num(e.count)]);
  if (s.otherEndpoints > 0) endpoints.push(['', '<span class="muted">other endpoints</span>', num(s.otherEndpoints)]);
  const rules = s.topRules.map((r) => [`<span class="mono">${esc(r.rule)}</span>`, num(r.count)]);
  if (s.otherRules > 0) rules.push(['<span class="muted">other rules</span>', num(s.otherRules)]);
  return (
    `<h1>Summary</h1><h2>Today (UTC)</h2><div class="cards" data-test="today">${riskCards('events today', s.today.total, s.today.byRisk)}` +
    `<div class="card"><div class="n">${num(s.today.openAlerts)}</div><div class="l">alerts today</div></div>` +
    `<div class="card"><div class="n">${num(s.today.openCritical)}</div><div class="l">critical alerts today</div></div></div>` +
    `<h2>Timeline</h2><div class="ranges">${ranges}<span class="muted">${num(s.total)} events from ${esc(time(s.since))}</span></div>` +
    timelineSvg(s) +
    `<div class="legend">${[0, 1, 2, 3].map((l) => `<span>${risk(l)} ${RISK_NAMES[l]}</span>`).join('')}</div>` +
    `<div class="grid"><section><h2>By platform</h2>${table(['Platform', 'Events', ''], platforms, [1])}</section>` +
    `<section><h2>Top rules</h2>${table(['Rule', 'Matches'], rules, [1], 'No rule matched in this range.')}</section></div>` +
    `<section data-test="top-endpoints"><h2>Top endpoints</h2>${table(['Platform', 'Endpoint', 'Events'], endpoints, [2])}</section>` +
    `<section data-test="recent-alerts"><h2>Recent alerts</h2>${table(['Time', 'Severity', 'Rule', 'Message'], alertRows(s.recentAlerts), [], 'No alerts.')}` +
    `<p><a href="/alerts">All alerts</a> · <a href="/events">Recent events</a></p></section>`
  );
}

function pager(path: string, nextCursor: string | null, first: boolean): string {
  const links = [
    ...(first ? [] : [`<a href="${path}">Newest</a>`]),
    ...(nextCursor ? [`<a href="${path}?cursor=${encodeURIComponent(nextCursor)}" data-test="older">Older</a>`] : []),
  ];
  return links.length > 0 ? `<p class="pager">${links.join('')}</p>` : '';
}

export function eventsPage(events: readonly AuditEvent[], nextCursor: string | null, first: boolean): string {
  const rows = events.map((e) => [
    esc(time(e.ts)),
    esc(e.platform),
    esc(e.method),
    `<span class="mono">${esc(e.endpoint)}</span>${e.operation ? `<br><span class="muted">${esc(e.operation)}</span>` : ''}`,
    e.status === null ? '' : esc(e.status),
    e.latency_ms === null ? '' : `${esc(Math.round(e.latency_ms))} ms`,
    risk(e.risk_level),
    esc(e.outcome),
    `<span class="mono">${e.rules.map(esc).join('<br>')}</span>`,
  ]);
  return (
    `<h1>Recent events</h1>` +
    `<div data-test="events">${table(['Time', 'Platform', 'Method', 'Endpoint', 'Status', 'Timing', 'Risk', 'Outcome', 'Rules'], rows, [4, 5], 'No events uploaded yet.')}</div>` +
    pager('/events', nextCursor, first)
  );
}

export function alertsPage(alerts: readonly Alert[], nextCursor: string | null, first: boolean): string {
  return (
    `<h1>Alerts</h1><div data-test="alerts">${table(['Time', 'Severity', 'Rule', 'Message'], alertRows(alerts), [], 'No alerts.')}</div>` +
    pager('/alerts', nextCursor, first)
  );
}
