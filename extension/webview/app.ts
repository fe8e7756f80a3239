// The dashboard view: lit templates over the last state the panel sent. Buttons are real
// buttons (native or vscode-button), lists are tables with headers, the chart has a label.
import { html, nothing, render } from 'lit';
import type { TemplateResult } from 'lit';
import type { DashboardRange, DashboardState } from '../../core/protocol/dashboard.ts';
import { DASHBOARD_RANGES } from '../../core/protocol/dashboard.ts';
import { RANGE_NAMES, RISK_LABELS, ago, fmt } from './format.ts';
import { Timeline } from './timeline.ts';
import { post } from './vscode-api.ts';

export class DashboardApp {
  private state: DashboardState | undefined;
  private error: string | undefined;
  private timeline: Timeline | undefined;

  constructor(private readonly root: HTMLElement) {}

  show(state: DashboardState): void {
    this.state = state;
    this.error = undefined;
    this.render();
  }

  showError(message: string): void {
    this.error = message;
    this.render();
  }

  retheme(): void {
    this.timeline?.retheme();
  }

  private render(): void {
    render(this.template(), this.root);
    // Bar widths through the CSSOM: a style="" attribute (lit's styleMap renders one first)
    // is inline style, which the page's CSP refuses.
    for (const bar of this.root.querySelectorAll<HTMLElement>('.bar[data-share]')) bar.style.width = `${bar.dataset.share}%`;
    const chart = this.root.querySelector<HTMLElement>('#timeline-chart');
    // lit keeps the chart's element across renders unless the range emptied and refilled.
    if (this.timeline && this.timeline.host !== chart) {
      this.timeline.dispose();
      this.timeline = undefined;
    }
    if (chart && this.state) {
      this.timeline ??= new Timeline(chart);
      this.timeline.show(this.state);
    }
  }

  private template(): TemplateResult {
    const s = this.state;
    const error = this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing;
    if (!s)
      return html`${error}
        <p class="loading" aria-live="polite">Loading the audit store…</p>`;
    return html`
      ${error}
      <header class="top">
        <h1>Risk dashboard</h1>
        ${this.pauseControl(s)}
      </header>
      ${this.today(s)}
      <section class="card wide" aria-labelledby="timeline-h">
        <div class="card-head">
          <h2 id="timeline-h">Operations by risk · ${RANGE_NAMES[s.range]}</h2>
          <div class="ranges" role="group" aria-label="Time range">
            ${DASHBOARD_RANGES.map(
              (r) =>
                html`<vscode-button
                  ?secondary=${r !== s.range}
                  aria-pressed=${r === s.range ? 'true' : 'false'}
                  aria-label=${RANGE_NAMES[r]}
                  data-range=${r}
                  @click=${() => this.pickRange(r)}
                  >${r}</vscode-button
                >`,
            )}
          </div>
        </div>
        ${s.total === 0 ? html`<p class="empty">No operations in this range.</p>` : html`<div id="timeline-chart" class="chart"></div>`}
      </section>
      ${s.total === 0 && s.today.total === 0 && s.recentAlerts.length === 0 ? emptyStore() : this.breakdowns(s)}
    `;
  }

  private pickRange(r: DashboardRange): void {
    if (this.state?.range !== r) post({ type: 'range', range: r });
  }

  private pauseControl(s: DashboardState): TemplateResult {
    const p = s.pause;
    const label = p
      ? `Paused (${p.scope === 'all' ? 'everything' : 'agent writes'}) by ${p.by}${p.reason ? `: ${p.reason}` : ''}`
      : 'Agent writes allowed';
    return html`<div class="pause ${p ? 'paused' : ''}">
      <span class="pause-state" role="status">${label}${s.policy ? html` · policy <b>${s.policy}</b>` : nothing}</span>
      ${
        p
          ? html`<vscode-button id="resume" @click=${() => post({ type: 'resume' })}>Resume Agent Writes</vscode-button>`
          : html`<vscode-button id="pause" secondary @click=${() => post({ type: 'pause' })}>Pause Agent Writes</vscode-button>`
      }
    </div>`;
  }

  private today(s: DashboardState): TemplateResult {
    const t = s.today;
    return html`<section class="glance" aria-labelledby="today-h">
      <h2 id="today-h" class="visually-hidden">Today at a glance</h2>
      <div class="stat" id="stat-total"><span class="label">Operations today</span><span class="value">${fmt(t.total)}</span></div>
      ${RISK_LABELS.map(
        (label, l) =>
          html`<div class="stat risk-${l}" id="stat-risk-${l}">
            <span class="label"><span class="swatch" aria-hidden="true"></span>${label}</span
            ><span class="value">${fmt(t.byRisk[l]!)}</span>
          </div>`,
      )}
      <div class="stat ${t.openCritical > 0 ? 'alerting' : ''}" id="stat-alerts">
        <span class="label">Open alerts</span><span class="value">${fmt(t.openAlerts)}</span>
        ${t.openCritical > 0 ? html`<span class="sub">${fmt(t.openCritical)} critical</span>` : nothing}
      </div>
    </section>`;
  }

  private breakdowns(s: DashboardState): TemplateResult {
    const platforms = Object.entries(s.byPlatform).sort((a, b) => b[1] - a[1]);
    return html`<div class="grid">
      ${table(
        'platforms',
        'By platform',
        ['Platform', 'Operations'],
        platforms.map(([p, n]) => [p, n]),
        0,
        s.total,
      )}
      ${table(
        'endpoints',
        'Top endpoint patterns',
        ['Endpoint', 'Operations'],
        s.topEndpoints.map((e) => [`${e.platform} ${e.endpoint}`, e.count]),
        s.otherEndpoints,
        s.total,
      )}
      ${table(
        'rules',
        'Top rules fired',
        ['Rule', 'Times'],
        s.topRules.map((r) => [r.rule, r.count]),
        s.otherRules,
        Math.max(1, ...s.topRules.map((r) => r.count), s.otherRules),
      )}
      ${this.alerts(s)}
    </div>`;
  }

  private alerts(s: DashboardState): TemplateResult {
    return html`<section class="card" aria-labelledby="alerts-h">
      <h2 id="alerts-h">Recent alerts</h2>
      ${
        s.recentAlerts.length === 0
          ? html`<p class="empty">No alerts. Warden raises one when an agent's calls form a risky sequence.</p>`
          : html`<ul class="alerts" id="alert-list">
              ${s.recentAlerts.map(
                (a) =>
                  html`<li>
                    <button
                      class="alert ${a.severity}"
                      data-alert-id=${a.id}
                      aria-label=${`${a.severity} alert, ${a.message}, ${ago(a.ts, s.now)}. Show its events in the Audit Log`}
                      @click=${() => post({ type: 'revealAlert', alertId: a.id })}
                    >
                      <span class="sev">${a.severity}</span>
                      <span class="msg">${a.message}</span>
                      <span class="when">${ago(a.ts, s.now)}</span>
                    </button>
                  </li>`,
              )}
            </ul>`
      }
    </section>`;
  }
}

/** A breakdown as a table with a bar per row (its share of `scale`) and an "Other" row. */
function table(
  id: string,
  title: string,
  heads: [string, string],
  rowsIn: [string, number][],
  other: number,
  scale: number,
): TemplateResult {
  const rows = other > 0 ? [...rowsIn, ['Other', other] as [string, number]] : rowsIn;
  return html`<section class="card" aria-labelledby="${id}-h">
    <h2 id="${id}-h">${title}</h2>
    ${
      rows.length === 0
        ? html`<p class="empty">None in this range.</p>`
        : html`<table id="${id}-table">
            <thead>
              <tr>
                <th scope="col">${heads[0]}</th>
                <th scope="col" class="num">${heads[1]}</th>
              </tr>
            </thead>
            <tbody>
              ${rows.map(
                ([k, n]) =>
                  html`<tr>
                    <td class="key">
                      <span class="text" title=${k}>${k}</span>
                      <span class="bar" aria-hidden="true" data-share=${Math.max(1, Math.round((n / Math.max(1, scale)) * 100))}></span>
                    </td>
                    <td class="num">${fmt(n)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  </section>`;
}

function emptyStore(): TemplateResult {
  return html`<section class="card wide welcome" aria-labelledby="welcome-h">
    <h2 id="welcome-h">Nothing recorded yet</h2>
    <p>
      When an agent calls a production API through the Warden guard, each operation shows up here with its risk level, the endpoints it
      touched and the rules it fired.
    </p>
    <p>Set your store or API credentials with the “Warden: Set …” commands, then ask your agent to use a Warden tool.</p>
  </section>`;
}
