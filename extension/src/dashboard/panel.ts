// The risk dashboard panel: one webview panel per window, revealed if already open.
import * as vscode from 'vscode';
import type { DashboardHost } from './host.ts';

let current: vscode.WebviewPanel | undefined;

export function showDashboard(host: DashboardHost): void {
  if (current) {
    current.reveal();
    return;
  }
  const panel = vscode.window.createWebviewPanel('warden.dashboard', 'Warden Risk Dashboard', vscode.ViewColumn.Active, {
    enableScripts: false,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(host.extensionUri, 'dist', 'webview')],
  });
  panel.webview.html = '<!doctype html><html><body><p>Warden Risk Dashboard</p></body></html>';
  current = panel;
  panel.onDidDispose(() => {
    current = undefined;
  });
}
