// The risk dashboard page (runs in the webview, no Node). It asks the panel for the state once
// loaded and renders every state the panel sends; it holds no data of its own.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import 'uplot/dist/uPlot.min.css';
import './dashboard.css';
import { parseHostMessage } from '../../core/protocol/dashboard.ts';
import { DashboardApp } from './app.ts';
import { onThemeChange } from './theme.ts';
import { post } from './vscode-api.ts';

const root = document.getElementById('app');
if (!root) throw new Error('dashboard: the page has no #app element');
const app = new DashboardApp(root);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const msg = parseHostMessage(event.data);
  if (!msg.ok) {
    console.warn(msg.error);
    return;
  }
  if (msg.value.type === 'state') app.show(msg.value.state);
  else app.showError(msg.value.message);
});
onThemeChange(() => app.retheme());
post({ type: 'ready' });
