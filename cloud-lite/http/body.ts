// Reads a request body as raw bytes with the cap enforced while it streams: an oversized body
// is refused at the first chunk past the cap, whatever Content-Length said (or did not say).
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too_large' | 'aborted' };

/** Content-Length over the cap: refuse before reading anything. Absent (chunked): null. */
export function declaredLength(req: IncomingMessage): number | null {
  const text = req.headers['content-length'];
  return text === undefined ? null : Number(text);
}

export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyResult): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      resolve(r);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        // Stop buffering; the caller answers 413 and closes the connection.
        chunks.length = 0;
        req.pause();
        finish({ ok: false, reason: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish({ ok: true, body: Buffer.concat(chunks, size) }));
    req.once('aborted', () => finish({ ok: false, reason: 'aborted' }));
    req.once('error', () => finish({ ok: false, reason: 'aborted' }));
    req.once('close', () => finish(req.complete ? { ok: true, body: Buffer.concat(chunks, size) } : { ok: false, reason: 'aborted' }));
  });
}
