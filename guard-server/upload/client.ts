// One signed POST /v1/batches to cloud-lite, and what its answer means for the uploader. A
// dedicated undici Agent with its own timeouts: a slow cloud never holds the sockets the guard
// forwards tool calls with. Messages carry codes, statuses and error classes, never the
// secret, a signature or the body.
import type { Agent } from 'undici';
import { signRequest } from '../../core/protocol/signing.ts';
import { RETRY_AFTER_HEADER, UPLOAD_PATHS, UploadAcceptedSchema, UploadErrorResponseSchema } from '../../core/protocol/upload.ts';
import type { UploadAccepted } from '../../core/protocol/upload.ts';

export interface CloudTarget {
  url: string;
  keyId: string;
  secret: string;
}

export type BatchOutcome =
  | { kind: 'accepted'; answer: UploadAccepted }
  /** 429: rate_limited or quota_exceeded; wait retryAfterMs before the next request. */
  | { kind: 'paused'; code: string; message: string; retryAfterMs: number }
  /** 400 invalid_body: some event in the batch is refused. */
  | { kind: 'invalid'; message: string }
  /** 413: the body is over the service's cap. */
  | { kind: 'too_large'; message: string }
  /** 401/403/5xx/network or an answer we cannot read: back off and retry. */
  | { kind: 'retry'; code: string; message: string };

const CONNECT_TIMEOUT_MS = 10_000;
const RESPONSE_TIMEOUT_MS = 30_000;
/** Answers are small JSON; anything longer is not cloud-lite. */
const MAX_ANSWER_BYTES = 256 * 1024;

export async function createUploadAgent(): Promise<Agent> {
  const { Agent } = await import('undici');
  return new Agent({
    connect: { timeout: CONNECT_TIMEOUT_MS },
    headersTimeout: RESPONSE_TIMEOUT_MS,
    bodyTimeout: RESPONSE_TIMEOUT_MS,
    connections: 2,
  });
}

/** The request target for `path` under the configured base URL (which may carry a path prefix). */
export function endpoint(base: string, path: string): URL {
  const u = new URL(base);
  u.pathname = u.pathname.replace(/\/+$/, '') + path;
  u.search = '';
  u.hash = '';
  return u;
}

/** Retry-After: seconds, or an HTTP date; missing or unreadable: `fallbackMs`. */
export function retryAfterMs(value: string | string[] | undefined, fallbackMs: number, now = Date.now()): number {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return fallbackMs;
  if (/^\d{1,9}$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? fallbackMs : Math.max(0, t - now);
}

function errorClass(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown };
  return typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'Error';
}

/** What a signed POST came back with: its status, headers and (bounded) text, or why there is none. */
export type SignedAnswer =
  | { ok: true; status: number; headers: Record<string, string | string[] | undefined>; text: string }
  | { ok: false; code: string; message: string };

/** One signed POST of `body` to `path` under the cloud's base URL; never throws. */
export async function postSigned(agent: Agent, cloud: CloudTarget, path: string, body: string, signal: AbortSignal): Promise<SignedAnswer> {
  const { request } = await import('undici');
  const url = endpoint(cloud.url, path);
  // Fresh timestamp and nonce per attempt: a retry is a new request, never a replay.
  const signed = await signRequest({ method: 'POST', pathWithQuery: url.pathname, body, keyId: cloud.keyId, secret: cloud.secret });
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signed },
      body,
      dispatcher: agent,
      signal,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) {
        res.body.destroy();
        return { ok: false, code: `http_${res.statusCode}`, message: `answer over ${MAX_ANSWER_BYTES} bytes` };
      }
      chunks.push(chunk);
    }
    return { ok: true, status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') };
  } catch (err) {
    return { ok: false, code: 'network', message: `${url.origin} unreachable (${errorClass(err)})` };
  }
}

export async function sendBatch(
  agent: Agent,
  cloud: CloudTarget,
  body: string,
  signal: AbortSignal,
  fallbackPauseMs: number,
): Promise<BatchOutcome> {
  const answer = await postSigned(agent, cloud, UPLOAD_PATHS.batches, body, signal);
  if (!answer.ok) return { kind: 'retry', code: answer.code, message: answer.message };
  const { status, headers, text } = answer;

  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // judged by its status below
  }
  if (status === 200) {
    const ok = UploadAcceptedSchema.safeParse(json);
    if (ok.success) return { kind: 'accepted', answer: ok.data };
    return { kind: 'retry', code: 'bad_answer', message: '200 without {accepted, duplicates}' };
  }
  const error = UploadErrorResponseSchema.safeParse(json);
  const code = error.success ? error.data.error.code : `http_${status}`;
  const message = error.success ? error.data.error.message : `HTTP ${status}`;
  if (status === 429)
    return { kind: 'paused', code, message, retryAfterMs: retryAfterMs(headers[RETRY_AFTER_HEADER.toLowerCase()], fallbackPauseMs) };
  if (status === 400 && code === 'invalid_body') return { kind: 'invalid', message };
  if (status === 413) return { kind: 'too_large', message };
  return { kind: 'retry', code, message };
}
