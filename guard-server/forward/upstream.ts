// Sends one request upstream with undici and reads the whole response, bounded in size and
// time. Failures become UpstreamError with a kind the audit log records and a message that
// carries no secret (hosts and error classes only, never headers or bodies).
//
// undici is loaded on the first request, not at startup: it is the largest module the guard
// needs, and an idle guard (one per editor window) should not pay for it.
import type { Agent, Dispatcher } from 'undici';

type Undici = typeof import('undici');
let undici: Undici | undefined;
let loading: Promise<Undici> | undefined;

function loadUndici(): Undici | Promise<Undici> {
  return undici ?? (loading ??= import('undici').then((m) => (undici = m)));
}

export type UpstreamErrorKind = 'timeout' | 'dns' | 'connect' | 'reset' | 'tls' | 'too_large' | 'ssrf' | 'redirect' | 'other';

export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    readonly kind: UpstreamErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export interface UpstreamRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export interface SendLimits {
  timeoutMs: number;
  maxResponseBytes: number;
}

/** A keep-alive connection pool (an undici Agent, created on the first request). */
export class UpstreamPool {
  private agent: Agent | null = null;
  private closed = false;

  constructor(
    private readonly timeoutMs: number,
    /** Replaces DNS resolution (the SSRF check). */
    private readonly lookup?: unknown,
  ) {}

  /** The Agent, creating it (and loading undici) on first use. */
  dispatcher(u: Undici): Dispatcher {
    if (this.closed) throw new UpstreamError('other', 'the upstream connection pool is closed');
    return (this.agent ??= new u.Agent({
      keepAliveTimeout: 30_000,
      connections: 64,
      pipelining: 1,
      connect: { timeout: this.timeoutMs, ...(this.lookup ? { lookup: this.lookup as never } : {}) },
    }));
  }

  close(): Promise<void> {
    this.closed = true;
    return this.agent?.close() ?? Promise.resolve();
  }
}

/** A keep-alive connection pool; `lookup` replaces DNS resolution (the SSRF check). */
export function createDispatcher(timeoutMs: number, lookup?: unknown): UpstreamPool {
  return new UpstreamPool(timeoutMs, lookup);
}

function classifyError(undiciErrors: Undici['errors'], err: unknown, url: URL, limits: SendLimits): UpstreamError {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e?.code ?? e?.cause?.code ?? '';
  const where = `${url.protocol}//${url.host}`;
  if (code === 'EWARDENSSRF' || e?.cause?.name === 'SsrfError' || e?.name === 'SsrfError') {
    return new UpstreamError('ssrf', (e.cause ?? e).message);
  }
  if (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    e?.name === 'TimeoutError' ||
    e?.name === 'AbortError'
  ) {
    return new UpstreamError('timeout', `upstream ${where} did not answer within ${limits.timeoutMs} ms`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new UpstreamError('dns', `DNS lookup failed for ${url.hostname} (${code})`);
  }
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return new UpstreamError('connect', `could not connect to ${where} (${code})`);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || err instanceof undiciErrors.SocketError) {
    return new UpstreamError('reset', `connection to ${where} was closed before the response completed`);
  }
  if (typeof code === 'string' && (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT')) {
    return new UpstreamError('tls', `TLS failure talking to ${where} (${code})`);
  }
  if (err instanceof UpstreamError) return err;
  return new UpstreamError('other', `request to ${where} failed (${code || e?.name || 'unknown error'})`);
}

/** Reads a whole body, refusing one larger than `max` (plain events: fewer turns than for-await). */
function readBody(stream: Dispatcher.ResponseData['body'], max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        stream.destroy();
        reject(new UpstreamError('too_large', `upstream response exceeds ${max} bytes (WARDEN_MAX_RESPONSE_BYTES)`));
      } else {
        chunks.push(chunk);
      }
    });
    stream.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    stream.on('error', reject);
  });
}

export async function send(pool: UpstreamPool, req: UpstreamRequest, limits: SendLimits): Promise<UpstreamResponse> {
  const u = undici ?? (await loadUndici());
  // undici's own timers bound the call (connect, headers, each body chunk); a per-request
  // AbortSignal would add a timer per call for nothing.
  try {
    const res = await u.request(req.url, {
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers,
      body: req.body,
      dispatcher: pool.dispatcher(u),
      headersTimeout: limits.timeoutMs,
      bodyTimeout: limits.timeoutMs,
    });
    const body = await readBody(res.body, limits.maxResponseBytes);
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = v;
    return { status: res.statusCode, headers, body };
  } catch (err) {
    throw classifyError(u.errors, err, req.url, limits);
  }
}
