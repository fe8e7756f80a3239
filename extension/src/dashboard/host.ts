// What the risk dashboard needs from the extension. The extension (extension/src/) implements
// it once and hands it to showDashboard(); the panel never opens the store or writes the
// control file itself, so the extension keeps one reader and one control-file writer.
import type * as vscode from 'vscode';
import type { StoreReader } from '../../../store/read/index.ts';
import type { ControlFile } from '../../../store/control/index.ts';

export interface DashboardHost {
  readonly extensionUri: vscode.Uri;
  /** The shared store reader (opened lazily by the extension, refreshed on store changes). */
  reader(): Promise<StoreReader>;
  /** The current control file state (pause, policy), or null when there is none. */
  control(): ControlFile | null;
  /** Fires when new events/alerts arrived or the control file changed. */
  readonly onDidChange: vscode.Event<void>;
  /** Opens the Audit Log view at an alert's events. */
  revealAlert(alertId: string): Promise<void>;
  pauseWrites(): Promise<void>;
  resumeWrites(): Promise<void>;
}
