// The status bar item: shield, today's calls, open critical alerts, paused state. Click: the
// risk dashboard. Counts come from the store's aggregates (no event is loaded).
import * as vscode from 'vscode';
import type { ControlFile } from '../../store/control/index.ts';
import type { StoreReader } from '../../store/read/index.ts';

export function statusText(ops: number, critical: number, control: ControlFile | null): { text: string; tooltip: string; warn: boolean } {
  const paused = control?.pause ?? null;
  const text = [
    `$(shield) ${ops}`,
    critical > 0 ? `$(error) ${critical}` : '',
    paused ? `$(debug-pause) ${paused.scope === 'all' ? 'paused' : 'writes paused'}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const tooltip = [
    `Warden: ${ops} agent ${ops === 1 ? 'call' : 'calls'} today`,
    `${critical} critical ${critical === 1 ? 'alert' : 'alerts'} today`,
    paused ? `Agent ${paused.scope === 'all' ? 'calls' : 'writes'} paused by ${paused.by}` : 'Not paused',
    'Click to open the risk dashboard',
  ].join('\n');
  return { text, tooltip, warn: critical > 0 || paused !== null };
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('warden.status', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'Warden';
    this.item.command = 'warden.openDashboard';
    this.item.text = '$(shield) Warden';
    this.item.tooltip = 'Warden: click to open the risk dashboard';
    this.item.show();
  }

  async update(reader: StoreReader, control: ControlFile | null): Promise<void> {
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    const agg = reader.aggregate({ since: midnight.getTime(), topEndpoints: 0, topRules: 0 });
    const s = statusText(agg.total, agg.alerts.open.bySeverity['critical'] ?? 0, control);
    this.item.text = s.text;
    this.item.tooltip = s.tooltip;
    this.item.backgroundColor = s.warn ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: s.tooltip.split('\n').slice(0, 3).join(', ') };
  }

  dispose(): void {
    this.item.dispose();
  }
}
