// The Alerts view: the newest alerts; choosing one reveals its events in the Audit Log.
import * as vscode from 'vscode';
import type { Alert } from '../../../core/types.ts';
import type { StoreReader } from '../../../store/read/index.ts';
import { relativeTime } from './event-format.ts';

const SHOWN = 100;

export class AlertsTree implements vscode.TreeDataProvider<Alert>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly reader: () => Promise<StoreReader>) {}

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(a: Alert): vscode.TreeItem {
    const now = Date.now();
    const item = new vscode.TreeItem(a.message || a.rule, vscode.TreeItemCollapsibleState.None);
    item.id = a.id;
    item.description = `${a.severity} · ${relativeTime(a.ts, now)}`;
    item.iconPath = new vscode.ThemeIcon(
      a.severity === 'critical' ? 'error' : 'warning',
      new vscode.ThemeColor(a.severity === 'critical' ? 'charts.red' : 'charts.yellow'),
    );
    // A plain-string tooltip: alert text is data, and plain text is never rendered as markdown.
    item.tooltip = `${a.severity} alert (${a.rule}): ${a.message}\n${a.event_ids.length} events · ${new Date(a.ts).toISOString()}`;
    item.accessibilityInformation = { label: `${a.severity} alert: ${a.message}, ${relativeTime(a.ts, now)}` };
    item.command = { command: 'warden.alerts.reveal', title: 'Show in Audit Log', arguments: [a.id] };
    return item;
  }

  async getChildren(a?: Alert): Promise<Alert[]> {
    if (a) return [];
    try {
      return (await this.reader()).alerts({}, { limit: SHOWN }).alerts;
    } catch {
      return [];
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
