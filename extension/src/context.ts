// The extension's state for one window, handed to every command (see commands/index.ts): the
// settings, the secrets, the store, the views and the guard registration. It also implements
// the dashboard's DashboardHost, so the panel uses the same reader and control-file writer.
import * as vscode from 'vscode';
import type { Alert } from '../../core/types.ts';
import type { ControlChange, ControlFile } from '../../store/control/index.ts';
import type { StoreReader } from '../../store/read/index.ts';
import type { DashboardHost } from './dashboard/host.ts';
import type { GuardProvider } from './mcp/provider.ts';
import type { SecretStore } from './secrets/secret-store.ts';
import type { Settings } from './settings/settings.ts';
import { loadControlApi } from './store-loader.ts';
import type { StoreService } from './store-service.ts';
import type { AlertsTree } from './views/alerts-tree.ts';
import type { AuditTree } from './views/audit-tree.ts';

/** The `by` written into the control file for changes made here ("VS Code" or "Cursor"). */
export const controlBy = (): string => (vscode.env.appName.toLowerCase().includes('cursor') ? 'Cursor' : 'VS Code');

export class Warden implements DashboardHost {
  constructor(
    readonly ext: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
    readonly settings: Settings,
    readonly secrets: SecretStore,
    readonly store: StoreService,
    readonly provider: GuardProvider,
    readonly audit: AuditTree,
    readonly alerts: AlertsTree,
    readonly instanceId: string,
  ) {}

  get extensionUri(): vscode.Uri {
    return this.ext.extensionUri;
  }

  get onDidChange(): vscode.Event<void> {
    return this.store.onDidChange;
  }

  reader(): Promise<StoreReader> {
    return this.store.reader();
  }

  control(): ControlFile | null {
    return this.store.controlFile();
  }

  /** Changes the control file (the one atomic writer), so every guard on the data dir follows. */
  async changeControl(change: ControlChange): Promise<ControlFile> {
    const { updateControlFile } = await loadControlApi();
    const { file, replacedBroken } = updateControlFile(this.store.dataDir, change, { by: controlBy() });
    if (replacedBroken) this.log.warn('the control file was damaged and has been replaced');
    this.store.adoptControl(file);
    return file;
  }

  async pauseWrites(): Promise<void> {
    await vscode.commands.executeCommand('warden.pauseWrites');
  }

  async resumeWrites(): Promise<void> {
    await vscode.commands.executeCommand('warden.resumeWrites');
  }

  async revealAlert(alertId: string): Promise<void> {
    await vscode.commands.executeCommand('warden.alerts.reveal', alertId);
  }

  /** An alert by id: alerts are few and recent, so a few newest-first pages at most. */
  async findAlert(alertId: string): Promise<Alert | null> {
    const r = await this.reader();
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++) {
      const page = r.alerts({}, { limit: 500, cursor });
      const hit = page.alerts.find((a) => a.id === alertId);
      if (hit) return hit;
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    return null;
  }
}
