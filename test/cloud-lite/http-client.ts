// Helpers for the cloud-lite HTTP tests (service, attack, keys CLI): an in-process service on a
// free port with its log captured, keys made through the CLI's own code, signed requests, and a
// raw socket client for requests no well-behaved HTTP client would send.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRequest } from '../../core/protocol/signing.ts';
import { configFromEnv } from '../../cloud-lite/config.ts';
import { parseKeysArgs, runKeysCommand } from '../../cloud-lite/keys/cli.ts';
import { createLogger } from '../../cloud-lite/log.ts';
import { startService, type RunningService } from '../../cloud-lite/service.ts';
import { SAMPLE_EVENT } from '../core/protocol/sample-event.ts';

export interface TestService extends RunningService {
  dataDir: string;
  /** Every log line the service wrote. */
  logs: string[];
  stop(): Promise<void>;
}

export async function startTestService(env: Record<string, string> = {}, now?: () => number): Promise<TestService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-cloud-lite-'));
  const logs: string[] = [];
  const config = configFromEnv({ CLOUD_LITE_PORT: '0', CLOUD_LITE_DATA_DIR: dataDir, ...env });
  const service = await startService(config, { log: createLogger((line) => logs.push(line)), ...(now ? { now } : {}) });
  return {
    ...service,
    dataDir,
    logs,
    stop: async () => {
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestKey {
  keyId: string;
  secret: string;
  user: string;
}

export async function createKey(service: RunningService, user: string, plan: 'free' | 'pro' = 'pro'): Promise<TestKey> {
  const [line] = await runKeysCommand(
    parseKeysArgs(['create', '--user', user, '--email', `${user}@example.com`, '--plan', plan]),
    service.store,
  );
  const out = JSON.parse(line!) as { key_id: string; secret: string };
  return { keyId: out.key_id, secret: out.secret, user };
}

let seq = 0;
/** `n` valid events with ids unique to this process (prefix them to share across calls). */
export function makeEvents(n: number, over: Record<string, unknown> = {}, prefix = `e${process.pid}x${++seq}x`) {
  return Array.from({ length: n }, (_, i) => ({ ...SAMPLE_EVENT, id: `${prefix}${String(i).padStart(6, '0')}`, ...over }));
}

export function batchBody(events: unknown[]): string {
  return JSON.stringify({ batch_id: `b${++seq}`, instance_id: 'i1', events });
}

export interface SignedOptions {
  method?: string;
  /** Path with query, as sent and signed. */
  path: string;
  body?: string;
  key: TestKey;
  /** Overrides applied to the request after signing (tampering). */
  sendPath?: string;
  sendMethod?: string;
  sendBody?: string;
  headers?: Record<string, string>;
  nonce?: string;
  now?: number;
  contentType?: string | null;
  secret?: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  json: any;
  text: string;
}

export async function signedHeaders(o: SignedOptions): Promise<Record<string, string>> {
  return signRequest({
    method: o.method ?? 'POST',
    pathWithQuery: o.path,
    body: o.body ?? '',
    keyId: o.key.keyId,
    secret: o.secret ?? o.key.secret,
    ...(o.now !== undefined ? { now: o.now } : {}),
    ...(o.nonce !== undefined ? { nonce: o.nonce } : {}),
  });
}

export async function send(base: string, o: SignedOptions, signed?: Record<string, string>): Promise<Answer> {
  const headers: Record<string, string> = { ...(signed ?? (await signedHeaders(o))) };
  const method = o.sendMethod ?? o.method ?? 'POST';
  const body = o.sendBody ?? o.body ?? '';
  if (method !== 'GET' && o.contentType !== null) headers['content-type'] = o.contentType ?? 'application/json';
  Object.assign(headers, o.headers);
  const res = await fetch(base + (o.sendPath ?? o.path), { method, headers, ...(method === 'GET' ? {} : { body }) });
  return answer(res);
}

export async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** Writes `chunks` to a raw socket (pausing `gapMs` between them), then reads until the server closes. */
export function rawExchange(
  port: number,
  /** A promise in the list is awaited, then its value written: the test decides when the rest goes. */
  chunks: (string | Buffer | Promise<string | Buffer>)[],
  opts: { gapMs?: number; endAfter?: boolean; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(out);
    };
    const timer = setTimeout(finish, opts.timeoutMs ?? 10_000);
    socket.on('data', (d) => (out += d.toString('utf8')));
    socket.on('close', finish);
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? finish() : reject(err)));
    socket.on('connect', async () => {
      for (const c of chunks) {
        const data = await c;
        if (socket.destroyed) return;
        socket.write(data);
        if (opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
      }
      if (opts.endAfter && !socket.destroyed) socket.end();
    });
  });
}

/** Status and JSON body of a raw HTTP/1.1 response. */
export function parseRaw(text: string): { status: number; json: any } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  let json: any = null;
  try {
    json = JSON.parse(body);
  } catch {
    json = null;
  }
  return { status, json };
}

/** Polls until `f` returns true (no timing asserted: it only waits). */
export async function waitFor(f: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!f()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
