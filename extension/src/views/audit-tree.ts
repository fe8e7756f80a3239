// The Audit Log view: agent sessions (most recent first) → their events (newest first), a page
// at a time with a "Load more" row. Filters narrow the events. "Show in Audit Log" on an alert
// shows exactly the alert's events, highlighted, under its session, with a row that widens to the
// whole session (its events stay highlighted). Refreshed when the store watch reports something new.
import * as vscode from 'vscode';
import type { Alert, AuditEvent } from '../../../core/types.ts';
import type { SessionSummary, StoreReader } from '../../../store/read/index.ts';
import {
  RISK_ICONS,
  eventAccessibilityLabel,
  eventDescription,
  eventIcon,
  eventLabel,
  eventTooltip,
  relativeTime,
} from './event-format.ts';
import { describeFilter, toEventFilter } from './filters.ts';
import type { AlertRef, AuditFilterState } from './filters.ts';

const PAGE = 100;
const SESSIONS = 50;
/** An alert's events are looked for among its session's events before it, this many pages of 500 at most. */
const ALERT_PAGES = 20;

export type AuditNode =
  | { kind: 'session'; session: SessionSummary }
  | { kind: 'event'; event: AuditEvent; sessionId: string }
  | { kind: 'more'; sessionId: string }
  | { kind: 'wholeSession'; sessionId: string; calls: number }
  | { kind: 'message'; text: string };

interface Loaded {
  events: AuditEvent[];
  next: string | null;
  /** Alert filter: how many of the alert's events were not found. */
  missing?: number;
}

export class AuditTree implements vscode.TreeDataProvider<AuditNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AuditNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private filter: AuditFilterState = {};
  private pages = new Map<string, Loaded>();
  /** Events shown per session before a refresh: reloaded as one page (capped), so "Load more" is not lost. */
  private wanted = new Map<string, number>();
  private sessionNodes = new Map<string, AuditNode & { kind: 'session' }>();
  private highlight = new Map<string, AlertRef>();
  view: vscode.TreeView<AuditNode> | undefined;

  constructor(private readonly reader: () => Promise<StoreReader>) {}

  get currentFilter(): AuditFilterState {
    return this.filter;
  }

  /** `highlight`: an alert whose events stand out (by default the alert filter's own). */
  setFilter(f: AuditFilterState, highlight: AlertRef | undefined = f.alert): void {
    this.filter = f;
    this.pages.clear();
    this.wanted.clear();
    this.highlight = new Map((highlight?.event_ids ?? []).map((id) => [id, highlight!]));
    if (this.view) this.view.description = describeFilter(f);
    void vscode.commands.executeCommand('setContext', 'warden.audit.filtered', describeFilter(f) !== '');
    this.refresh();
  }

  /** New data: reload what is shown (as many events per open session as were loaded, capped). */
  refresh(): void {
    this.wanted = new Map([...this.pages].map(([id, l]) => [id, Math.min(l.events.length, 1000)]));
    this.pages.clear();
    this.changed.fire(undefined);
  }

  /** Widens an alert filter to the alert's whole session, its events still highlighted. */
  showWholeSession(sessionId: string): void {
    const alert = this.filter.alert;
    this.setFilter({ sessionId }, alert?.session_id === sessionId ? alert : undefined);
  }

  async loadMore(sessionId: string): Promise<void> {
    const loaded = this.pages.get(sessionId);
    if (!loaded || loaded.next === null) return;
    const r = await this.reader();
    const page = r.events({ ...toEventFilter(this.filter), sessionId }, { limit: PAGE, cursor: loaded.next });
    loaded.events.push(...page.events);
    loaded.next = page.nextCursor;
    this.changed.fire(this.sessionNodes.get(sessionId));
  }

  getTreeItem(n: AuditNode): vscode.TreeItem {
    const now = Date.now();
    switch (n.kind) {
      case 'session': {
        const s = n.session;
        const item = new vscode.TreeItem(`${s.client} · session …${s.sessionId.slice(-6)}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `s:${s.sessionId}`;
        item.description = `${s.events} ${s.events === 1 ? 'call' : 'calls'} · ${relativeTime(s.lastTs, now)}`;
        const risk = RISK_ICONS[s.maxRisk] ?? RISK_ICONS[0]!;
        item.iconPath = new vscode.ThemeIcon('comment-discussion', new vscode.ThemeColor(risk.color));
        item.contextValue = 'session';
        item.accessibilityInformation = { label: `Agent session from ${s.client}, ${s.events} calls, last ${relativeTime(s.lastTs, now)}` };
        const alert = this.filter.alert;
        if (alert?.session_id === s.sessionId) {
          const n = alert.event_ids.length;
          item.description = `${n} of ${s.events} calls (alert) · ${relativeTime(s.lastTs, now)}`;
          item.accessibilityInformation = {
            label: `Agent session from ${s.client}, showing the ${n} calls of the alert "${alert.message || alert.rule}" out of ${s.events}`,
          };
        }
        if (this.filter.sessionId === s.sessionId || alert?.session_id === s.sessionId) {
          item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
        }
        return item;
      }
      case 'event': {
        const e = n.event;
        const alert = this.highlight.get(e.id);
        const label = eventLabel(e);
        const item = new vscode.TreeItem(alert ? { label, highlights: [[0, label.length]] } : label, vscode.TreeItemCollapsibleState.None);
        item.id = `e:${e.id}`;
        item.description = eventDescription(e, now);
        const icon = eventIcon(e);
        item.iconPath = new vscode.ThemeIcon(icon.icon, new vscode.ThemeColor(icon.color));
        // The tooltip is built in resolveTreeItem(), when the row is hovered: not for every row painted.
        item.accessibilityInformation = { label: eventAccessibilityLabel(e, now) + (alert ? `, part of alert: ${alert.message}` : '') };
        item.contextValue = 'event';
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
        item.id = `m:${n.sessionId}`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: 'warden.audit.loadMore', title: 'Load more', arguments: [n.sessionId] };
        return item;
      }
      case 'wholeSession': {
        const item = new vscode.TreeItem(`Show all ${n.calls} calls of this session…`, vscode.TreeItemCollapsibleState.None);
        item.id = `w:${n.sessionId}`;
        item.iconPath = new vscode.ThemeIcon('list-unordered');
        item.tooltip = "Widen the filter to the whole session (the alert's events stay highlighted)";
        item.command = { command: 'warden.audit.showSession', title: 'Show the whole session', arguments: [n.sessionId] };
        return item;
      }
      case 'message':
        return new vscode.TreeItem(n.text, vscode.TreeItemCollapsibleState.None);
    }
  }

  /** Fills an event row's tooltip when VS Code is about to show it (hover, or keyboard focus). */
  resolveTreeItem(item: vscode.TreeItem, n: AuditNode): vscode.TreeItem {
    if (n.kind === 'event' && item.tooltip === undefined) {
      const alert = this.highlight.get(n.event.id);
      item.tooltip = new vscode.MarkdownString(eventTooltip(n.event, alert ? [alert] : []));
    }
    return item;
  }

  getParent(n: AuditNode): AuditNode | undefined {
    return n.kind === 'event' || n.kind === 'more' || n.kind === 'wholeSession' ? this.sessionNodes.get(n.sessionId) : undefined;
  }

  async getChildren(n?: AuditNode): Promise<AuditNode[]> {
    let r: StoreReader;
    try {
      r = await this.reader();
    } catch (err) {
      return n ? [] : [{ kind: 'message', text: `Cannot read the audit store: ${(err as Error).message}` }];
    }
    if (!n) return this.sessions(r);
    if (n.kind !== 'session') return [];
    const id = n.session.sessionId;
    const alert = this.filter.alert;
    let loaded = this.pages.get(id);
    if (!loaded) {
      if (alert) loaded = alertEvents(r, alert);
      else {
        const limit = Math.max(PAGE, this.wanted.get(id) ?? 0);
        const page = r.events({ ...toEventFilter(this.filter), sessionId: id }, { limit });
        loaded = { events: page.events, next: page.nextCursor };
      }
      this.pages.set(id, loaded);
    }
    const nodes: AuditNode[] = loaded.events.map((event) => ({ kind: 'event', event, sessionId: id }));
    if (loaded.next !== null) nodes.push({ kind: 'more', sessionId: id });
    if (alert) {
      const missing = loaded.missing ?? 0;
      if (missing > 0) {
        nodes.push({
          kind: 'message',
          text:
            loaded.events.length === 0
              ? "The alert's events are no longer in the audit store"
              : `${missing} of the alert's events ${missing === 1 ? 'is' : 'are'} no longer in the audit store`,
        });
      }
      if (n.session.events > loaded.events.length) nodes.push({ kind: 'wholeSession', sessionId: id, calls: n.session.events });
    } else if (nodes.length === 0) nodes.push({ kind: 'message', text: 'No calls match the filter' });
    return nodes;
  }

  private sessions(r: StoreReader): AuditNode[] {
    const only = this.filter.alert?.session_id ?? this.filter.sessionId;
    let list = r.sessions({ limit: SESSIONS });
    if (only !== undefined) {
      list = list.filter((s) => s.sessionId === only);
      // An older session than the 50 most recent: its own summary (its time range is not known
      // here, so all of it is counted).
      if (list.length === 0) list = r.sessions().filter((s) => s.sessionId === only);
    }
    this.sessionNodes = new Map(list.map((session) => [session.sessionId, { kind: 'session', session }]));
    if (list.length === 0) {
      return [{ kind: 'message', text: only !== undefined ? 'That session is no longer in the store' : 'No agent calls recorded yet' }];
    }
    return [...this.sessionNodes.values()];
  }

  /** Shows exactly the alert's events, highlighted, and selects the newest of them. */
  async revealAlert(alert: Alert): Promise<void> {
    this.setFilter({ alert });
    const roots = await this.getChildren();
    const session = roots.find((x) => x.kind === 'session');
    if (!session || !this.view) return;
    const hit = (await this.getChildren(session)).find((c) => c.kind === 'event');
    await this.view.reveal(hit ?? session, { select: true, focus: true, expand: true });
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * The alert's events, newest first: looked for among its session's events up to the alert's time
 * (an alert is raised by its last event, so none of its events is newer), a few pages at most.
 */
function alertEvents(r: StoreReader, alert: AlertRef): Loaded {
  const want = new Set(alert.event_ids);
  const events: AuditEvent[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < ALERT_PAGES && want.size > 0; i++) {
    const page = r.events({ sessionId: alert.session_id, until: alert.ts }, { limit: 500, cursor });
    for (const e of page.events) if (want.delete(e.id)) events.push(e);
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  return { events, next: null, missing: want.size };
}
