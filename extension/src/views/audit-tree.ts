// The Audit Log view: agent sessions (most recent first) → their events (newest first), a page
// at a time with a "Load more" row. Filters narrow the events; an alert narrows the view to its
// session and highlights its events. Refreshed when the store watch reports something new.
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
import type { AuditFilterState } from './filters.ts';

const PAGE = 100;
const SESSIONS = 50;

export type AuditNode =
  | { kind: 'session'; session: SessionSummary }
  | { kind: 'event'; event: AuditEvent; sessionId: string }
  | { kind: 'more'; sessionId: string }
  | { kind: 'message'; text: string };

interface Loaded {
  events: AuditEvent[];
  next: string | null;
}

export class AuditTree implements vscode.TreeDataProvider<AuditNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AuditNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private filter: AuditFilterState = {};
  private pages = new Map<string, Loaded>();
  /** Events shown per session before a refresh: reloaded as one page (capped), so "Load more" is not lost. */
  private wanted = new Map<string, number>();
  private sessionNodes = new Map<string, AuditNode & { kind: 'session' }>();
  private highlight = new Map<string, Alert>();
  view: vscode.TreeView<AuditNode> | undefined;

  constructor(private readonly reader: () => Promise<StoreReader>) {}

  get currentFilter(): AuditFilterState {
    return this.filter;
  }

  setFilter(f: AuditFilterState, alert?: Alert): void {
    this.filter = f;
    this.pages.clear();
    this.highlight = new Map((alert?.event_ids ?? []).map((id) => [id, alert!]));
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
        if (this.filter.sessionId === s.sessionId) item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
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
        item.tooltip = new vscode.MarkdownString(eventTooltip(e, alert ? [alert] : []));
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
      case 'message':
        return new vscode.TreeItem(n.text, vscode.TreeItemCollapsibleState.None);
    }
  }

  getParent(n: AuditNode): AuditNode | undefined {
    return n.kind === 'event' || n.kind === 'more' ? this.sessionNodes.get(n.sessionId) : undefined;
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
    let loaded = this.pages.get(id);
    if (!loaded) {
      const limit = Math.max(PAGE, this.wanted.get(id) ?? 0);
      const page = r.events({ ...toEventFilter(this.filter), sessionId: id }, { limit });
      loaded = { events: page.events, next: page.nextCursor };
      this.pages.set(id, loaded);
    }
    const nodes: AuditNode[] = loaded.events.map((event) => ({ kind: 'event', event, sessionId: id }));
    if (loaded.next !== null) nodes.push({ kind: 'more', sessionId: id });
    if (nodes.length === 0) nodes.push({ kind: 'message', text: 'No calls match the filter' });
    return nodes;
  }

  private sessions(r: StoreReader): AuditNode[] {
    let list = r.sessions({ limit: SESSIONS });
    if (this.filter.sessionId) list = list.filter((s) => s.sessionId === this.filter.sessionId);
    this.sessionNodes = new Map(list.map((session) => [session.sessionId, { kind: 'session', session }]));
    if (list.length === 0) {
      return [{ kind: 'message', text: this.filter.sessionId ? 'That session is no longer in the store' : 'No agent calls recorded yet' }];
    }
    return [...this.sessionNodes.values()];
  }

  /** Narrows the view to the alert's session, highlights its events and selects the newest of them. */
  async revealAlert(alert: Alert): Promise<void> {
    this.setFilter({ sessionId: alert.session_id, alertId: alert.id }, alert);
    const roots = await this.getChildren();
    const session = roots.find((x) => x.kind === 'session');
    if (!session || !this.view) return;
    const ids = new Set(alert.event_ids);
    // The alert's events are recent: look through a few pages at most.
    for (let i = 0; i < 5; i++) {
      const children = await this.getChildren(session);
      const hit = [...children].reverse().find((c) => c.kind === 'event' && ids.has(c.event.id));
      if (hit) {
        await this.view.reveal(hit, { select: true, focus: true, expand: true });
        return;
      }
      if (!children.some((c) => c.kind === 'more') || session.kind !== 'session') break;
      await this.loadMore(session.session.sessionId);
    }
    await this.view.reveal(session, { select: true, focus: true, expand: true });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
