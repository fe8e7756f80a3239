// Entry point of the VS Code/Cursor extension (bundled to dist/extension.cjs). activate() only
// wires things up: the store (sql.js and its wasm) opens on first use or just after activation,
// so activation stays fast. See extension/src/README.md for the parts.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { refreshGuardCopyQuietly } from './commands/claude-desktop.ts';
import { syncAutoPause } from './commands/control.ts';
import { registerCommands } from './commands/index.ts';
import { Warden } from './context.ts';
import { GuardProvider, showProblem } from './mcp/provider.ts';
import { GuardStartErrors } from './mcp/start-errors.ts';
import { Notifier } from './notify/notifier.ts';
import { SecretStore } from './secrets/secret-store.ts';
import { Settings } from './settings/settings.ts';
import { StatusBar } from './status-bar.ts';
import { StoreService } from './store-service.ts';
import { AlertsTree } from './views/alerts-tree.ts';
import { AuditTree } from './views/audit-tree.ts';

/** Status bar counts are recomputed at most this often while calls stream in. */
const STATUS_EVERY_MS = 2000;

export function activate(context: vscode.ExtensionContext): Warden {
  const log = vscode.window.createOutputChannel('Warden', { log: true });
  const settings = new Settings();
  const secrets = new SecretStore(context.secrets);
  // One id per window: its guard tags alerts with it, so this window knows which alerts are its own.
  const instanceId = `vscode-${randomBytes(6).toString('hex')}`;
  const wasmPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'sql-wasm.wasm').fsPath;
  const store = new StoreService(settings.dataDir, wasmPath, log);
  const provider = new GuardProvider({ context, settings, secrets, instanceId, log });
  const audit = new AuditTree(() => store.reader());
  const alerts = new AlertsTree(() => store.reader());
  const w = new Warden(context, log, settings, secrets, store, provider, audit, alerts, instanceId);

  audit.view = vscode.window.createTreeView('warden.audit', { treeDataProvider: audit, showCollapseAll: true });
  const alertsView = vscode.window.createTreeView('warden.alerts', { treeDataProvider: alerts });
  const status = new StatusBar();
  const notifier = new Notifier({
    instanceId,
    dataDir: () => store.dataDir,
    level: () => settings.current.notificationLevel,
    autoPause: () => settings.current.autoPause,
    control: () => store.controlFile(),
    log,
  });

  let statusTimer: ReturnType<typeof setTimeout> | null = null;
  const updateStatus = () => {
    statusTimer ??= setTimeout(() => {
      statusTimer = null;
      store
        .reader()
        .then((r) => status.update(r, store.controlFile()))
        .catch((err: Error) => log.warn(`status bar: ${err.message}`));
    }, STATUS_EVERY_MS);
  };

  const startErrors = new GuardStartErrors(
    () => store.dataDir,
    instanceId,
    (problem) => void showProblem(problem),
  );

  let autoPause = settings.current.autoPause;
  context.subscriptions.push(
    log,
    settings,
    secrets,
    store,
    provider,
    provider.register(),
    audit,
    alerts,
    audit.view,
    alertsView,
    status,
    ...registerCommands(w),
    store.onDidWatch((batch) => {
      audit.refresh();
      const reloaded = batch.events.length === 0 && batch.alerts.length === 0 && batch.intents.length === 0;
      if (reloaded) alerts.refresh();
      if (batch.alerts.length > 0) {
        alerts.refresh();
        void notifier.onAlerts(batch.alerts);
      }
    }),
    store.onDidChange(updateStatus),
    settings.onDidChange((s) => {
      store.setDataDir(settings.dataDir);
      if (s.autoPause !== autoPause) {
        autoPause = s.autoPause;
        void syncAutoPause(w);
      }
    }),
    { dispose: () => statusTimer !== null && clearTimeout(statusTimer) },
    startErrors,
  );

  // After activation: start watching (loads sql.js), fill the status bar, report bad settings.
  setTimeout(() => {
    store.start();
    updateStatus();
    settings.warnNew();
    refreshGuardCopyQuietly(w);
    startErrors.start();
  }, 0);
  return w;
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
