// Cursor's extension API for MCP servers, declared here (it is not in @types/vscode) and
// feature-detected: `vscode.cursor.mcp.registerServer({name, server: {command, args, env}})` and
// `unregisterServer(name)`, as Cursor documents them. VS Code has no `vscode.cursor`.

export interface CursorStdioServer {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface CursorMcpApi {
  registerServer(config: { name: string; server: CursorStdioServer }): void;
  unregisterServer(name: string): void;
}

/** Cursor's MCP API on the vscode module, when it is there. */
export function cursorMcpApi(vscodeModule: unknown): CursorMcpApi | undefined {
  const mcp = (vscodeModule as { cursor?: { mcp?: Partial<CursorMcpApi> } } | undefined)?.cursor?.mcp;
  return typeof mcp?.registerServer === 'function' && typeof mcp.unregisterServer === 'function' ? (mcp as CursorMcpApi) : undefined;
}

/**
 * Keeps one server registered under `name`: each update re-registers it (Cursor reads the
 * config at registration, so a changed env needs a new registration).
 */
export class CursorRegistration {
  private registered = false;

  constructor(
    private readonly api: CursorMcpApi,
    readonly name: string,
  ) {}

  update(server: CursorStdioServer): void {
    this.unregister();
    this.api.registerServer({ name: this.name, server: { command: server.command, args: [...server.args], env: { ...server.env } } });
    this.registered = true;
  }

  unregister(): void {
    if (!this.registered) return;
    this.registered = false;
    try {
      this.api.unregisterServer(this.name);
    } catch {
      // already gone (Cursor reloading): nothing to undo
    }
  }
}
