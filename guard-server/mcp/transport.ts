// MCP over stdio, hardened. The SDK's StdioServerTransport drops malformed lines silently and
// closes the connection on a message over its buffer cap; an agent's bad message must instead
// get a specific JSON-RPC error while the guard keeps serving. Also closes on stdin end, so
// the guard exits (and drains its store) when the editor goes away.
//
// Fast on the request path: the common messages are checked by hand exactly as the SDK's strict
// JSON-RPC schemas would accept them (zod only for the rest, and for the error message), and
// routeValidatedMessages() hands them to the SDK's protocol without its own re-classification
// (three more zod parses, two of which fail and build errors: ~50 µs a call, measured).
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
    const common = commonMessage(json);
    if (common !== null) {
      this.onmessage?.(common);
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

type Json = Record<string, unknown>;

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RequestIdSchema: a string or an integer. */
function isRequestId(v: unknown): boolean {
  return typeof v === 'string' || Number.isInteger(v);
}

/** Only these keys (the SDK's JSON-RPC schemas are strict). */
function hasOnlyKeys(m: Json, allowed: readonly string[]): boolean {
  for (const k in m) if (!allowed.includes(k)) return false;
  return true;
}

const REQUEST_KEYS = ['jsonrpc', 'id', 'method', 'params'];
const NOTIFICATION_KEYS = ['jsonrpc', 'method', 'params'];
const RESULT_KEYS = ['jsonrpc', 'id', 'result'];

/**
 * Params or a result the SDK's schemas accept as they are: any object without `_meta`
 * (objects with `_meta`, whose fields are typed, go through zod).
 */
function isOpenObject(v: unknown): boolean {
  return isPlainObject(v) && v._meta === undefined;
}

/**
 * The message when it is a request, notification or result that JSONRPCMessageSchema accepts
 * unchanged, checked by hand; null for anything else (error responses, `_meta`, invalid
 * messages), which then goes through zod.
 */
export function commonMessage(v: unknown): JSONRPCMessage | null {
  if (!isPlainObject(v) || v.jsonrpc !== '2.0') return null;
  if (typeof v.method === 'string') {
    if (v.params !== undefined && !isOpenObject(v.params)) return null;
    if ('id' in v) return isRequestId(v.id) && hasOnlyKeys(v, REQUEST_KEYS) ? (v as JSONRPCMessage) : null;
    return hasOnlyKeys(v, NOTIFICATION_KEYS) ? (v as JSONRPCMessage) : null;
  }
  if ('result' in v) return isRequestId(v.id) && isOpenObject(v.result) && hasOnlyKeys(v, RESULT_KEYS) ? (v as JSONRPCMessage) : null;
  return null;
}

/** The SDK protocol's own entry points for each kind of message (internal, hence feature-detected). */
interface ProtocolEntryPoints {
  _onrequest(message: JSONRPCMessage, extra?: unknown): void;
  _onnotification(message: JSONRPCMessage): void;
  _onresponse(message: JSONRPCMessage): void;
}

function hasEntryPoints(p: unknown): p is ProtocolEntryPoints {
  const q = p as Partial<Record<keyof ProtocolEntryPoints, unknown>>;
  return typeof q._onrequest === 'function' && typeof q._onnotification === 'function' && typeof q._onresponse === 'function';
}

/**
 * After `server.connect(transport)`: routes each message this transport has validated straight
 * to the protocol's handler for its kind. The SDK's own dispatcher would classify it again with
 * zod (a response check and an error check that fail for every request). A valid message is
 * exactly one kind, told by its keys. Returns false (and changes nothing) when this SDK version
 * has no such entry points: its dispatcher then keeps doing the work.
 */
export function routeValidatedMessages(transport: GuardStdioTransport, protocol: unknown): boolean {
  if (!hasEntryPoints(protocol) || transport.onmessage === undefined) return false;
  transport.onmessage = (message) => {
    const m = message as Json;
    if ('method' in m) {
      if ('id' in m) protocol._onrequest(message);
      else protocol._onnotification(message);
    } else {
      protocol._onresponse(message);
    }
  };
  return true;
}
