// The command table: id → handler, every one receiving the window's Warden context. The ids and
// their titles (package.json) are the extension contract in DESIGN.md.
import * as vscode from 'vscode';
import type { Warden } from '../context.ts';
import { copyClaudeDesktopConfig } from './claude-desktop.ts';
import { pauseWrites, resumeWrites, setPolicy } from './control.ts';
import { clearCredentials, setCloudKey, setHostCredentials, setMetaToken, setShopifyCredentials } from './credentials.ts';
import { clearAuditData, openDataFolder, showGuardOutput } from './data.ts';
import { exportAudit } from './export.ts';
import { filterAudit, openDashboard, revealAlert, showAuditLog } from './views.ts';

type Handler = (w: Warden, ...args: unknown[]) => unknown;

export const COMMANDS: Record<string, Handler> = {
  'warden.setShopifyCredentials': setShopifyCredentials,
  'warden.setMetaToken': setMetaToken,
  'warden.setHostCredentials': setHostCredentials,
  'warden.setCloudKey': setCloudKey,
  'warden.clearCredentials': clearCredentials,
  'warden.openDashboard': openDashboard,
  'warden.showAuditLog': showAuditLog,
  'warden.exportAudit': exportAudit,
  'warden.copyClaudeDesktopConfig': copyClaudeDesktopConfig,
  'warden.pauseWrites': pauseWrites,
  'warden.resumeWrites': resumeWrites,
  'warden.setPolicy': setPolicy,
  'warden.openDataFolder': openDataFolder,
  'warden.clearAuditData': clearAuditData,
  'warden.showGuardOutput': showGuardOutput,
  // View commands (title-bar buttons and tree rows; hidden from the palette).
  'warden.audit.filter': filterAudit,
  'warden.audit.clearFilter': (w) => w.audit.setFilter({}),
  'warden.audit.refresh': (w) => void w.reader().then((r) => (r.refresh(), w.audit.refresh(), w.alerts.refresh())),
  'warden.audit.loadMore': (w, sessionId) => (typeof sessionId === 'string' ? w.audit.loadMore(sessionId) : undefined),
  'warden.audit.showSession': (w, sessionId) => (typeof sessionId === 'string' ? w.audit.showWholeSession(sessionId) : undefined),
  'warden.alerts.reveal': revealAlert,
};

/** Registers every command; a failing handler shows its error instead of failing silently. */
export function registerCommands(w: Warden): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, run]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await run(w, ...args);
      } catch (err) {
        // Messages from our code and the store name files and fields, never secret values.
        w.log.error(`${id}: ${(err as Error).message}`);
        void vscode.window.showErrorMessage(`Warden: ${(err as Error).message}`);
        return undefined;
      }
    }),
  );
}
