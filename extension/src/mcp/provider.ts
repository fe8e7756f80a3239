// Registers the bundled guard as an MCP server: through VS Code's provider API
// (contributes.mcpServerDefinitionProviders "warden.guard"), or Cursor's registerServer when
// that exists. The definition runs dist/guard-server.js with the editor's own Node
// (process.execPath + ELECTRON_RUN_AS_NODE) and the env from guard-env.ts. Secrets go into the
// env only in resolveMcpServerDefinition, at start: the definitions VS Code may cache hold none.
import * as vscode from 'vscode';
import { ENV } from '../../../core/protocol/env.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { Settings } from '../settings/settings.ts';
import { CursorRegistration, cursorMcpApi } from './cursor-api.ts';
import { buildGuardEnv, envDigest, withoutSecrets } from './guard-env.ts';
import { checkDataDir, checkGuardEnv } from './preflight.ts';
import type { Problem } from './preflight.ts';

export const PROVIDER_ID = 'warden.guard';
export const SERVER_LABEL = 'Warden';
const VERSION_KEY = 'warden.guardDefinitionVersion';

export interface ProviderDeps {
  context: vscode.ExtensionContext;
  settings: Settings;
  secrets: SecretStore;
  instanceId: string;
  log: vscode.LogOutputChannel;
}

export class GuardProvider implements vscode.McpServerDefinitionProvider<vscode.McpStdioServerDefinition>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeMcpServerDefinitions = this.changed.event;
  private digest: string | null = null;
  private readonly subs: vscode.Disposable[] = [];
  private cursor: CursorRegistration | null = null;

  constructor(private readonly deps: ProviderDeps) {
    const api = cursorMcpApi(vscode);
    if (api) this.cursor = new CursorRegistration(api, 'warden');
    this.subs.push(
      deps.settings.onDidChange(() => void this.recheck()),
      deps.secrets.onDidChange(() => void this.recheck()),
      this.changed,
    );
  }

  /** Registers with the editor; returns what to dispose. */
  register(): vscode.Disposable {
    if (this.cursor) {
      void this.recheck(); // Cursor takes the full definition up front
      return new vscode.Disposable(() => this.cursor?.unregister());
    }
    return vscode.lm.registerMcpServerDefinitionProvider(PROVIDER_ID, this);
  }

  private get guardScript(): string {
    return vscode.Uri.joinPath(this.deps.context.extensionUri, 'dist', 'guard-server.js').fsPath;
  }

  /** The managed env, secrets included. */
  async fullEnv(): Promise<Record<string, string>> {
    return buildGuardEnv({
      credentials: await this.deps.secrets.read(),
      settings: this.deps.settings.current,
      dataDir: this.deps.settings.dataDir,
      instanceId: this.deps.instanceId,
      baseEnv: process.env,
    });
  }

  private get version(): string {
    return String(this.deps.context.globalState.get<number>(VERSION_KEY, 1));
  }

  /** A secret or setting changed: a new version tells VS Code the running guard is outdated. */
  private async recheck(): Promise<void> {
    const env = await this.fullEnv();
    const digest = envDigest(env);
    if (digest === this.digest) return;
    const first = this.digest === null;
    this.digest = digest;
    if (!first) await this.deps.context.globalState.update(VERSION_KEY, Number(this.version) + 1);
    this.cursor?.update({ command: process.execPath, args: [this.guardScript], env });
    this.changed.fire();
  }

  async provideMcpServerDefinitions(): Promise<vscode.McpStdioServerDefinition[]> {
    const env = await this.fullEnv();
    this.digest ??= envDigest(env);
    return [new vscode.McpStdioServerDefinition(SERVER_LABEL, process.execPath, [this.guardScript], withoutSecrets(env), this.version)];
  }

  async resolveMcpServerDefinition(def: vscode.McpStdioServerDefinition): Promise<vscode.McpStdioServerDefinition | undefined> {
    if (def.label !== SERVER_LABEL) return def;
    const env = await this.fullEnv();
    const problem = checkDataDir(env[ENV.dataDir]!) ?? checkGuardEnv({ ...process.env, ...env });
    if (problem) {
      this.deps.log.warn(`guard not started: ${problem.message}`);
      void showProblem(problem);
      return undefined;
    }
    def.env = { ...def.env, ...env };
    return def;
  }

  dispose(): void {
    this.cursor?.unregister();
    for (const s of this.subs) s.dispose();
  }
}

/** One error notification with the fix as its button. */
export async function showProblem(problem: Problem): Promise<void> {
  const pick = await vscode.window.showErrorMessage(problem.message, ...(problem.fix ? [problem.fix.title] : []));
  if (pick && problem.fix) await vscode.commands.executeCommand(problem.fix.command, ...(problem.fix.args ?? []));
}
