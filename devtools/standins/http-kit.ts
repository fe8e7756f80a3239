// The plumbing both stand-ins share: a real node:http server on 127.0.0.1 (ephemeral port)
// that records every request, applies the injected fault, and sends JSON replies.
// The platform modules only turn a parsed request into a reply.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordedRequest, StandinBase } from './types.ts';

export interface ParsedRequest extends RecordedRequest {
  params: URLSearchParams;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON. */
  json: unknown;
}

interface BaseFault {
  kind: string;
  times?: number;
}

/**
 * Turns a request into a reply. `fault` is the injected fault this request must play
 * (never "delay" or "reset": the kit handles those), or null for a healthy answer.
 */
export type Handler<F> = (req: ParsedRequest, fault: F | null) => Reply | Promise<Reply>;

/** Holds the current fault and counts down its `times`. */
class FaultSlot<F extends BaseFault> {
  private fault: F | null = null;
  private left = 0;

  set(f: F | null): void {
    this.fault = f && (f.times === undefined || f.times > 0) ? f : null;
    this.left = f?.times ?? Infinity;
  }

  /** The fault this request plays, if any (consumes one of its `times`). */
  take(): F | null {
    const f = this.fault;
    if (f === null) return null;
    if (--this.left <= 0) this.fault = null;
    return f;
  }
}

/** Upper bound on a recorded body, so a runaway test cannot exhaust memory. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function startStandinServer<F extends BaseFault>(handle: Handler<F>): Promise<StandinBase<F>> {
  const requests: RecordedRequest[] = [];
  const faults = new FaultSlot<F>();
  const delays = new Set<NodeJS.Timeout>();

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q === -1 ? raw : raw.slice(0, q);
    const query = q === -1 ? '' : raw.slice(q + 1);
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path, query, headers: { ...req.headers }, body };
    requests.push(recorded);

    let fault = faults.take();
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') {
      const ms = 'ms' in fault ? Number(fault.ms) : 0;
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          delays.delete(t);
          resolve();
        }, ms);
        delays.add(t);
      });
      if (res.destroyed) return;
      fault = null;
    }
    const reply = await handle({ ...recorded, params: new URLSearchParams(query) }, fault);
    send(res, reply);
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => {
      // A bug in a stand-in must show up in the test, not hang it.
      if (!res.headersSent) send(res, { status: 500, json: { standin_error: String(err) } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setFault: (f) => faults.set(f),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of delays) clearTimeout(t);
        delays.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.json);
  res.writeHead(reply.status, {
    ...reply.headers,
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
