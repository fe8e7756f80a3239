// The one reader of `warden.*` settings: validated (schema.ts), cached, re-read on change. An
// invalid value is reported once as a warning naming the setting, and its default is used.
import * as vscode from 'vscode';
import { resolveDataDir } from '../../../store/data-dir.ts';
import { DEFAULT_DATA_DIR, validateSettings } from './schema.ts';
import type { WardenSettings } from './schema.ts';

export class Settings implements vscode.Disposable {
  private value: WardenSettings;
  private problems: string[];
  private readonly changed = new vscode.EventEmitter<WardenSettings>();
  readonly onDidChange = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor() {
    ({ settings: this.value, problems: this.problems } = this.read());
    this.sub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('warden')) return;
      const before = new Set(this.problems);
      ({ settings: this.value, problems: this.problems } = this.read());
      this.warnNew(before);
      this.changed.fire(this.value);
    });
  }

  get current(): WardenSettings {
    return this.value;
  }

  /** The absolute data dir: the setting when the user set one, else WARDEN_DATA_DIR, else ~/.warden. */
  get dataDir(): string {
    return resolveDataDir(this.value.dataDir === DEFAULT_DATA_DIR ? null : this.value.dataDir);
  }

  /** Shows the current problems (once, after activation). */
  warnNew(before: ReadonlySet<string> = new Set()): void {
    const fresh = this.problems.filter((p) => !before.has(p));
    if (fresh.length > 0) {
      void vscode.window
        .showWarningMessage(`Warden: ${fresh[0]}${fresh.length > 1 ? ` (and ${fresh.length - 1} more)` : ''}.`, 'Open Settings')
        .then((pick) => pick && vscode.commands.executeCommand('workbench.action.openSettings', '@ext:warden.warden'));
    }
  }

  /** Writes a setting (user scope). */
  async update(key: string, value: unknown): Promise<void> {
    await vscode.workspace.getConfiguration('warden').update(key, value, vscode.ConfigurationTarget.Global);
  }

  private read() {
    const cfg = vscode.workspace.getConfiguration('warden');
    // Values the user (or workspace) set; unset ones take the defaults from schema.ts.
    return validateSettings((key) => {
      const i = cfg.inspect(key);
      return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    });
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
