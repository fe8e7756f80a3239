// A tiny stand-in for the `vscode` module, enough to activate the bundled extension under plain
// Node and drive its provider and commands (test-only). It records what the extension did.
import { EventEmitter as NodeEmitter } from 'node:events';
import { join } from 'node:path';

export interface Recorded {
  commands: Map<string, (...args: unknown[]) => unknown>;
  providers: Map<string, Record<string, (...a: unknown[]) => unknown>>;
  messages: { level: 'error' | 'warning' | 'info'; text: string; actions: string[] }[];
  treeViews: string[];
  /** The treeDataProvider each view was created with, by view id. */
  treeProviders: Map<string, unknown>;
  executed: { id: string; args: unknown[] }[];
  /** Every webview panel created, oldest first. */
  webviewPanels: FakeWebviewPanel[];
}

/** A webview panel as createWebviewPanel() returns it, with what the extension did to it. */
export interface FakeWebviewPanel {
  viewType: string;
  title: string;
  options: Record<string, unknown>;
  webview: {
    html: string;
    readonly cspSource: string;
    asWebviewUri(uri: { path: string }): { toString(): string };
    onDidReceiveMessage(listener: (m: unknown) => void): { dispose(): void };
    postMessage(m: unknown): Promise<boolean>;
  };
  visible: boolean;
  reveal(): void;
  onDidDispose(listener: () => void): { dispose(): void };
  dispose(): void;
  /** Test side: what the page posted to the extension (after it received them). */
  readonly posted: unknown[];
  revealed: number;
  disposed: boolean;
  /** Test side: the page sends `m` (as VS Code delivers a page's postMessage). */
  fromPage(m: unknown): void;
  /** Test side: listeners still attached to the page's messages. */
  messageListeners(): number;
}

/** The origin VS Code serves a webview's local resources from (as in VS Code Desktop). */
export const WEBVIEW_CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

export function makeFakeVscode(settings: Record<string, unknown> = {}) {
  const rec: Recorded = {
    commands: new Map(),
    providers: new Map(),
    messages: [],
    treeViews: [],
    treeProviders: new Map(),
    executed: [],
    webviewPanels: [],
  };
  class EventEmitter<T> {
    readonly e = new NodeEmitter();
    event = (listener: (v: T) => void) => {
      this.e.on('x', listener);
      return { dispose: () => this.e.off('x', listener) };
    };
    fire(v: T) {
      this.e.emit('x', v);
    }
    dispose() {
      this.e.removeAllListeners();
    }
  }
  class Disposable {
    constructor(readonly f: () => void) {}
    dispose() {
      this.f();
    }
  }
  const uri = (fsPath: string) => ({ fsPath, path: fsPath, toString: () => `file://${fsPath}` });
  const createWebviewPanel = (viewType: string, title: string, _column: unknown, options: Record<string, unknown> = {}) => {
    const messages = new EventEmitter<unknown>();
    const disposed = new EventEmitter<void>();
    const panel: FakeWebviewPanel = {
      viewType,
      title,
      options,
      webview: {
        html: '',
        cspSource: WEBVIEW_CSP_SOURCE,
        asWebviewUri: (u) => ({ toString: () => `${WEBVIEW_CSP_SOURCE}${u.path}` }),
        onDidReceiveMessage: messages.event,
        postMessage: async (m) => {
          if (panel.disposed) return false;
          panel.posted.push(m);
          return true;
        },
      },
      visible: true,
      reveal: () => void panel.revealed++,
      onDidDispose: disposed.event,
      dispose: () => {
        if (panel.disposed) return;
        panel.disposed = true;
        panel.visible = false;
        disposed.fire();
      },
      posted: [],
      revealed: 0,
      disposed: false,
      fromPage: (m) => messages.fire(m),
      messageListeners: () => messages.e.listenerCount('x'),
    };
    rec.webviewPanels.push(panel);
    return panel;
  };
  const configChanged = new EventEmitter<{ affectsConfiguration: (s: string) => boolean }>();
  const message =
    (level: 'error' | 'warning' | 'info') =>
    (text: string, ...rest: unknown[]) => {
      rec.messages.push({ level, text, actions: rest.filter((r): r is string => typeof r === 'string') });
      return Promise.resolve(undefined);
    };
  const vscode = {
    EventEmitter,
    Disposable,
    Uri: { file: uri, joinPath: (base: { fsPath: string }, ...p: string[]) => uri(join(base.fsPath, ...p)) },
    ThemeIcon: class {
      constructor(
        readonly id: string,
        readonly color?: unknown,
      ) {}
    },
    ThemeColor: class {
      constructor(readonly id: string) {}
    },
    MarkdownString: class {
      constructor(readonly value: string) {}
    },
    TreeItem: class {
      constructor(
        readonly label: unknown,
        public collapsibleState?: number,
      ) {}
    },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ConfigurationTarget: { Global: 1 },
    ProgressLocation: { Notification: 15 },
    QuickPickItemKind: { Separator: -1, Default: 0 },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    UIKind: { Desktop: 1, Web: 2 },
    McpStdioServerDefinition: class {
      constructor(
        readonly label: string,
        public command: string,
        public args: string[],
        public env: Record<string, string>,
        public version?: string,
      ) {}
    },
    env: { appName: 'Visual Studio Code', uiKind: 1, clipboard: { writeText: async () => {} } },
    lm: {
      registerMcpServerDefinitionProvider: (id: string, p: Record<string, (...a: unknown[]) => unknown>) => {
        rec.providers.set(id, p);
        return new Disposable(() => rec.providers.delete(id));
      },
    },
    commands: {
      registerCommand: (id: string, f: (...args: unknown[]) => unknown) => {
        rec.commands.set(id, f);
        return new Disposable(() => rec.commands.delete(id));
      },
      executeCommand: async (id: string, ...args: unknown[]) => {
        rec.executed.push({ id, args });
        return rec.commands.get(id)?.(...args);
      },
      getCommands: async () => [...rec.commands.keys()],
    },
    window: {
      state: { focused: true },
      createOutputChannel: () => ({ info() {}, warn() {}, error() {}, show() {}, dispose() {} }),
      createTreeView: (id: string, opts?: { treeDataProvider?: unknown }) => {
        rec.treeViews.push(id);
        rec.treeProviders.set(id, opts?.treeDataProvider);
        return { dispose() {}, reveal: async () => {}, description: '' };
      },
      createStatusBarItem: () => ({ show() {}, dispose() {}, text: '', tooltip: '' }),
      createWebviewPanel,
      showErrorMessage: message('error'),
      showWarningMessage: message('warning'),
      showInformationMessage: message('info'),
    },
    workspace: {
      getConfiguration: () => ({
        get: (k: string) => settings[k],
        inspect: (k: string) => ({ globalValue: settings[k] }),
        update: async (k: string, v: unknown) => {
          settings[k] = v;
          configChanged.fire({ affectsConfiguration: (s: string) => s === 'warden' || `warden.${k}`.startsWith(s) });
        },
      }),
      onDidChangeConfiguration: configChanged.event,
    },
  };
  return { vscode, rec };
}

/** An ExtensionContext with in-memory secrets and global state. */
export function makeContext(extensionPath: string, vscode: ReturnType<typeof makeFakeVscode>['vscode']) {
  const secrets = new Map<string, string>();
  const secretChanged = new vscode.EventEmitter<{ key: string }>();
  const state = new Map<string, unknown>();
  return {
    extensionUri: vscode.Uri.file(extensionPath),
    subscriptions: [] as { dispose(): unknown }[],
    secrets: {
      get: async (k: string) => secrets.get(k),
      store: async (k: string, v: string) => {
        secrets.set(k, v);
        secretChanged.fire({ key: k });
      },
      delete: async (k: string) => {
        secrets.delete(k);
        secretChanged.fire({ key: k });
      },
      onDidChange: secretChanged.event,
    },
    globalState: {
      get: <T>(k: string, d: T) => (state.has(k) ? (state.get(k) as T) : d),
      update: async (k: string, v: unknown) => void state.set(k, v),
    },
  };
}
