// The webview's one channel to the extension. acquireVsCodeApi() is injected by VS Code (and by
// the test harness); it may be called once per page load.
import type { PageMessage } from '../../core/protocol/dashboard.ts';

interface VsCodeApi {
  postMessage(message: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

export function post(message: PageMessage): void {
  api ??= acquireVsCodeApi();
  api.postMessage(message);
}
