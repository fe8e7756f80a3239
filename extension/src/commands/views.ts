// Commands behind the views: focus, filter, refresh, paging, alert → events, the dashboard.
import * as vscode from 'vscode';
import { OUTCOMES, PLATFORMS } from '../../../core/protocol/vocabulary.ts';
import type { Warden } from '../context.ts';
import { loadStoreApi } from '../store-loader.ts';
import { RISK_NAMES } from '../views/event-format.ts';
import type { AuditFilterState } from '../views/filters.ts';

export async function showAuditLog(): Promise<void> {
  await vscode.commands.executeCommand('warden.audit.focus');
}

export async function openDashboard(w: Warden): Promise<void> {
  (await loadStoreApi()).showDashboard(w);
}

type FilterPick = vscode.QuickPickItem & { apply: (f: AuditFilterState) => AuditFilterState | Promise<AuditFilterState | undefined> };

export async function filterAudit(w: Warden): Promise<void> {
  const f = w.audit.currentFilter;
  const items: FilterPick[] = [
    { label: 'Risk level', kind: vscode.QuickPickItemKind.Separator, apply: (x) => x },
    ...RISK_NAMES.map((name, level) => ({
      label: `$(filter) Risk ≥ ${name}`,
      description: f.minRisk === level ? 'active' : '',
      apply: (x: AuditFilterState) => ({ ...x, minRisk: level === 0 ? undefined : level }),
    })),
    { label: 'Platform', kind: vscode.QuickPickItemKind.Separator, apply: (x) => x },
    ...['(any)', ...PLATFORMS].map((p) => ({
      label: `$(globe) ${p}`,
      description: (f.platform ?? '(any)') === p ? 'active' : '',
      apply: (x: AuditFilterState) => ({ ...x, platform: p === '(any)' ? undefined : p }),
    })),
    { label: 'Outcome', kind: vscode.QuickPickItemKind.Separator, apply: (x) => x },
    ...['(any)', ...OUTCOMES].map((o) => ({
      label: `$(pass) ${o}`,
      description: (f.outcome ?? '(any)') === o ? 'active' : '',
      apply: (x: AuditFilterState) => ({ ...x, outcome: o === '(any)' ? undefined : o }),
    })),
    { label: 'Text', kind: vscode.QuickPickItemKind.Separator, apply: (x) => x },
    {
      label: '$(search) Text…',
      description: f.text ? `"${f.text}"` : 'endpoint, operation, rule, target or error',
      apply: async (x) => {
        const text = await vscode.window.showInputBox({
          title: 'Warden: filter the Audit Log by text',
          value: x.text ?? '',
          validateInput: (v) => (v.length > 200 ? 'At most 200 characters' : undefined),
        });
        return text === undefined ? undefined : { ...x, text: text.trim() || undefined };
      },
    },
    { label: '$(clear-all) Clear all filters', apply: () => ({}) },
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Warden: filter the Audit Log',
    placeHolder: 'Choose a filter to add or change',
  });
  if (!pick) return;
  const next = await pick.apply({ ...f, alert: undefined, sessionId: f.alert ? undefined : f.sessionId });
  if (next) w.audit.setFilter(next);
}

export async function revealAlert(w: Warden, alertId: unknown): Promise<void> {
  if (typeof alertId !== 'string') return;
  const alert = await w.findAlert(alertId);
  if (!alert) {
    void vscode.window.showWarningMessage('Warden: that alert is no longer in the audit store.');
    return;
  }
  await vscode.commands.executeCommand('warden.audit.focus');
  await w.audit.revealAlert(alert);
}
