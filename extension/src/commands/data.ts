// The data folder: open it, clear the audit data (coordinated with the guards, see
// data/clear-audit.ts), and show the guard's output.
import * as vscode from 'vscode';
import { mkdirSync } from 'node:fs';
import type { Warden } from '../context.ts';
import { loadStoreApi } from '../store-loader.ts';

export async function openDataFolder(w: Warden): Promise<void> {
  mkdirSync(w.store.dataDir, { recursive: true, mode: 0o700 });
  const uri = vscode.Uri.file(w.store.dataDir);
  // revealFileInOS needs a desktop; in a browser workbench (code-server) open it as a folder view.
  if (vscode.env.uiKind === vscode.UIKind.Desktop) await vscode.commands.executeCommand('revealFileInOS', uri);
  else await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
}

export async function clearAuditData(w: Warden): Promise<void> {
  const yes = 'Clear Audit Data';
  const pick = await vscode.window.showWarningMessage(
    `Delete every recorded agent call and alert in ${w.store.dataDir}?`,
    { modal: true, detail: 'This cannot be undone. Settings, keys and the control file are kept. Running guards must be stopped first.' },
    yes,
  );
  if (pick !== yes) return;
  const result = (await loadStoreApi()).clearAuditData(w.store.dataDir);
  if (!result.ok) {
    const list = 'MCP: List Servers';
    const again = await vscode.window.showWarningMessage(`Warden: audit data not cleared. ${result.reason}`, list);
    if (again === list) await vscode.commands.executeCommand('workbench.mcp.listServer');
    return;
  }
  w.store.reopen();
  w.audit.setFilter({});
  w.alerts.refresh();
  void vscode.window.showInformationMessage(`Warden: audit data cleared (${result.removed} files removed).`);
}

/**
 * VS Code keeps the guard's stderr in its "MCP: Warden" output channel, which only VS Code can
 * open: its MCP "Show Output" command, else the server list (choose Warden → Show Output).
 */
export async function showGuardOutput(w: Warden): Promise<void> {
  const all = await vscode.commands.getCommands(true);
  if (all.includes('workbench.mcp.showOutput')) {
    try {
      await vscode.commands.executeCommand('workbench.mcp.showOutput');
      return;
    } catch (err) {
      w.log.info(`workbench.mcp.showOutput: ${(err as Error).message}`);
    }
  }
  if (all.includes('workbench.mcp.listServer')) await vscode.commands.executeCommand('workbench.mcp.listServer');
  else w.log.show();
}
