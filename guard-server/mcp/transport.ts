// MCP over stdio, hardened. The SDK's StdioServerTransport drops malformed lines silently and
// closes the connection on a message over its buffer cap; an agent's bad message must instead
// get a specific JSON-RPC error while the guard keeps serving. Also closes on stdin end, so
// the guard exits (and drains its store) when the editor goes away.
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export class GuardStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private chunks: Buffer[] = [];
  private pending = 0;
  /** True while skipping the rest of an oversized line. */
  private discarding = false;
  private closed = false;

  constructor(
    private readonly stdin: NodeJS.ReadableStream = process.stdin,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly maxMessageBytes = MAX_MESSAGE_BYTES,
  ) {}

  async start(): Promise<void> {
    this.stdin.on('data', this.onData);
    this.stdin.on('end', this.onEnd);
    this.stdin.on('error', this.onEnd);
  }

  private readonly onEnd = (): void => {
    void this.close();
  };

  private readonly onData = (chunk: Buffer | string): void => {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (;;) {
      const nl = buf.indexOf(10);
      if (nl === -1) {
        this.keep(buf);
        return;
      }
      this.keep(buf.subarray(0, nl));
      buf = buf.subarray(nl + 1);
      if (this.discarding) {
        this.discarding = false;
        this.sendError(null, -32600, `Invalid Request: message exceeds ${this.maxMessageBytes} bytes`);
      } else {
        const line = (this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks)).toString('utf8');
        this.chunks = [];
        this.pending = 0;
        this.handleLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      }
    }
  };

  private keep(part: Buffer): void {
    if (this.discarding || part.length === 0) return;
    this.pending += part.length;
    if (this.pending > this.maxMessageBytes) {
      this.discarding = true;
      this.chunks = [];
      this.pending = 0;
      return;
    }
    this.chunks.push(part);
  }

  private handleLine(line: string): void {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      this.sendError(null, -32700, `Parse error: ${(e as Error).message.slice(0, 200)}`);
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(json);
    if (!parsed.success) {
      const id = json && typeof json === 'object' && 'id' in json ? (json as { id: unknown }).id : null;
      const issue = parsed.error.issues[0];
      this.sendError(
        typeof id === 'string' || typeof id === 'number' ? id : null,
        -32600,
        `Invalid Request: not a JSON-RPC 2.0 message${issue ? ` (${issue.path.join('.') || 'message'}: ${issue.message})` : ''}`,
      );
      return;
    }
    this.onmessage?.(parsed.data);
  }

  private sendError(id: string | number | null, code: number, message: string): void {
    this.write(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }) + '\n');
  }

  private write(text: string): Promise<void> {
    return new Promise((resolve) => {
      if (this.stdout.write(text)) resolve();
      else this.stdout.once('drain', () => resolve());
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.write(JSON.stringify(message) + '\n');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stdin.off('data', this.onData);
    this.stdin.off('end', this.onEnd);
    this.stdin.off('error', this.onEnd);
    this.onclose?.();
  }
}
