// Turns alerts reported by the store watch into notifications: the right window (decide.ts),
// exactly once across windows (claims.ts), with actions that act on the control file.
import * as vscode from 'vscode';
import type { Alert } from '../../../core/types.ts';
import type { ControlFile } from '../../../store/control/index.ts';
import { claimAlert, pruneClaims } from './claims.ts';
import { ACTION_PAUSE, ACTION_RESUME, ACTION_SHOW, alertMessage, notificationRole } from './decide.ts';
import type { NotificationLevel } from '../settings/schema.ts';

export interface NotifierDeps {
  instanceId: string;
  dataDir: () => string;
  level: () => NotificationLevel;
  autoPause: () => boolean;
  control: () => ControlFile | null;
  log: vscode.LogOutputChannel;
}

/** How long to wait for the guard's auto-pause to reach the control file before choosing the button. */
const AUTO_PAUSE_WAIT_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Notifier {
  private pruned = 0;

  constructor(private readonly deps: NotifierDeps) {}

  async onAlerts(alerts: readonly Alert[]): Promise<void> {
    for (const alert of alerts) void this.consider(alert);
  }

  private async consider(alert: Alert): Promise<void> {
    const role = notificationRole(alert, {
      instanceId: this.deps.instanceId,
      focused: vscode.window.state.focused,
      level: this.deps.level(),
    });
    if (!role.show) return;
    if (role.delayMs > 0) await sleep(role.delayMs);
    const dataDir = this.deps.dataDir();
    try {
      if (!claimAlert(dataDir, alert.id)) return;
      if (Date.now() - this.pruned > 3_600_000) {
        this.pruned = Date.now();
        pruneClaims(dataDir);
      }
    } catch (err) {
      // Cannot claim (read-only folder): better a duplicate than a missed critical alert.
      this.deps.log.warn(`cannot record alert notification claim: ${(err as Error).message}`);
    }
    let control = this.deps.control();
    if (alert.severity === 'critical' && this.deps.autoPause() && !control?.pause) {
      await sleep(AUTO_PAUSE_WAIT_MS);
      control = this.deps.control();
    }
    const msg = alertMessage(alert, control);
    const show = alert.severity === 'critical' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    const pick = await show(msg.text, ...msg.actions);
    if (pick === ACTION_SHOW) await vscode.commands.executeCommand('warden.alerts.reveal', alert.id);
    else if (pick === ACTION_PAUSE) await vscode.commands.executeCommand('warden.pauseWrites');
    else if (pick === ACTION_RESUME) await vscode.commands.executeCommand('warden.resumeWrites');
  }
}
