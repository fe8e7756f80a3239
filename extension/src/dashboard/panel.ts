// The risk dashboard panel: one webview panel per window, revealed if already open. It answers
// the page's messages (validated: the page is untrusted input) and sends it the dashboard state
// built from the store's aggregates, again (debounced) whenever the store or control file changes.
import * as vscode from 'vscode';
import { parsePageMessage } from '../../../core/protocol/dashboard.ts';
import type { DashboardRange, HostMessage, PageMessage } from '../../../core/protocol/dashboard.ts';
import type { DashboardHost } from './host.ts';
import { dashboardHtml } from './html.ts';
import { buildState } from './state.ts';

const VIEW_TYPE = 'warden.dashboard';
const TITLE = 'Warden Risk Dashboard';
/** Store changes arrive in bursts (one per folded batch): one refresh per burst. */
const REFRESH_DEBOUNCE_MS = 300;

let current: DashboardPanel | undefined;

export function showDashboard(host: DashboardHost): void {
  if (current) {
    current.panel.reveal();
    return;
  }
  const root = vscode.Uri.joinPath(host.extensionUri, 'dist', 'webview');
  const panel = vscode.window.createWebviewPanel(VIEW_TYPE, TITLE, vscode.ViewColumn.Active, {
    enableScripts: true,
    enableCommandUris: false,
    retainContextWhenHidden: false,
    localResourceRoots: [root],
  });
  current = new DashboardPanel(panel, host, root);
}

class DashboardPanel {
  private range: DashboardRange = '24h';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly host: DashboardHost,
    root: vscode.Uri,
  ) {
    const webview = panel.webview;
    webview.html = dashboardHtml({
      cspSource: webview.cspSource,
      script: webview.asWebviewUri(vscode.Uri.joinPath(root, 'dashboard.js')).toString(),
      style: webview.asWebviewUri(vscode.Uri.joinPath(root, 'dashboard.css')).toString(),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      host.onDidChange(() => this.scheduleRefresh()),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = parsePageMessage(raw);
    if (!parsed.ok) {
      console.warn(`warden: ${parsed.error}`);
      return;
    }
    const msg: PageMessage = parsed.value;
    try {
      switch (msg.type) {
        case 'ready':
          return await this.refresh();
        case 'range':
          this.range = msg.range;
          return await this.refresh();
        case 'revealAlert':
          return await this.host.revealAlert(msg.alertId);
        case 'pause':
          await this.host.pauseWrites();
          return await this.refresh();
        case 'resume':
          await this.host.resumeWrites();
          return await this.refresh();
      }
    } catch (err) {
      await this.post({ type: 'error', message: `Warden could not do that: ${(err as Error).message}` });
    }
  }

  private scheduleRefresh(): void {
    // A hidden panel has no page (retainContextWhenHidden is off): it asks again when shown.
    if (!this.panel.visible) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), REFRESH_DEBOUNCE_MS);
  }

  private async refresh(): Promise<void> {
    clearTimeout(this.timer);
    try {
      const reader = await this.host.reader();
      await this.post({ type: 'state', state: buildState(reader, this.host.control(), this.range, Date.now()) });
    } catch (err) {
      await this.post({ type: 'error', message: `Could not read the audit store: ${(err as Error).message}` });
    }
  }

  private async post(msg: HostMessage): Promise<void> {
    await this.panel.webview.postMessage(msg);
  }

  private dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    if (current === this) current = undefined;
  }
}
