// JSON answers. Every error is {error: {code, message, ...}} from the wire contract; a message
// is written by us and never holds a secret, signature, nonce or body.
import type { ServerResponse } from 'node:http';
import { RETRY_AFTER_HEADER, uploadError, type UploadErrorCode } from '../../core/protocol/upload.ts';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** The error code, for the log line. */
  code?: string;
}

export function ok(body: unknown, status = 200): Reply {
  return { status, body };
}

export function fail(code: UploadErrorCode, message: string, retryAfterSeconds?: number, resetAt?: number): Reply {
  const extra: { retry_after?: number; reset_at?: string } = {};
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) {
    extra.retry_after = retryAfterSeconds;
    headers[RETRY_AFTER_HEADER] = String(retryAfterSeconds);
  }
  if (resetAt !== undefined) extra.reset_at = new Date(resetAt).toISOString();
  const { status, body } = uploadError(code, message, extra);
  return { status, body, headers, code };
}

export function send(res: ServerResponse, reply: Reply, closeConnection = false): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...(closeConnection ? { Connection: 'close' } : {}),
    ...reply.headers,
  });
  res.end(text);
}

/** A raw HTTP/1.1 error response for a socket that has no ServerResponse (clientError). */
export function rawErrorResponse(reply: Reply): string {
  const text = JSON.stringify(reply.body);
  const reason = reply.status === 408 ? 'Request Timeout' : reply.status === 413 ? 'Payload Too Large' : 'Bad Request';
  return (
    `HTTP/1.1 ${reply.status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(text)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${text}`
  );
}
