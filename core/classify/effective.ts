// The method the upstream will EXECUTE, which is not always the HTTP verb:
// - method-override headers (X-HTTP-Method-Override, X-HTTP-Method, X-Method-Override), on
//   every platform (frameworks such as Rails, Express and ASP.NET honour them);
// - a top-level `_method` field in the query string or the body (Rails / Laravel style);
// - Meta: the Graph API's `method` parameter (query or body, on GET or POST), and a write
//   carrying `status=DELETED`, which deletes the object.
// Decisions: an override never lowers what the verb says (a POST with method=GET is still
// scored as a POST: if the server ignores the override, it wrote); among several spellings the
// most dangerous wins; an override naming an unknown method is scored as DELETE, the most
// dangerous plausible reading, rather than refused (monitor mode must keep working).
import type { OperationInput, Platform } from '../types.ts';

export const METHOD_OVERRIDE_HEADERS: readonly string[] = ['x-http-method-override', 'x-http-method', 'x-method-override'];

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE']);
const READ = new Set(['GET', 'HEAD', 'OPTIONS']);

/** 0 read · 1 write · 2 delete (an unknown method counts as a delete). */
function rank(method: string): number {
  if (READ.has(method)) return 0;
  return method === 'DELETE' || !KNOWN_METHODS.has(method) ? 2 : 1;
}

/** The effective method, upper case. Cheap when nothing overrides (the usual case). */
export function effectiveMethod(op: Pick<OperationInput, 'method' | 'url' | 'body' | 'headers'>, platform: Platform): string {
  let method = op.method.toUpperCase();
  let overridden = false;
  const consider = (value: unknown): void => {
    if (typeof value !== 'string') return;
    for (const part of value.split(',')) {
      const named = part.trim().toUpperCase();
      if (named === '') continue;
      const candidate = KNOWN_METHODS.has(named) ? named : 'DELETE';
      const current = rank(method);
      // Higher wins; between two writes (POST + _method=PUT) the first override names it.
      if (rank(candidate) > current || (rank(candidate) === 1 && current === 1 && !overridden)) {
        method = candidate;
        overridden = true;
      }
    }
  };
  const headers = op.headers;
  if (headers !== undefined) for (const name of METHOD_OVERRIDE_HEADERS) consider(headers[name]);

  const meta = platform === 'meta';
  const params = topLevelParams(op.url, op.body, meta ? OVERRIDE_OR_STATUS_HINT : OVERRIDE_HINT);
  if (params !== null) {
    for (const [key, value] of params) {
      const k = key.toLowerCase();
      if (k === '_method' || (meta && k === 'method')) consider(value);
    }
    if (meta && rank(method) === 1) {
      for (const [key, value] of params) {
        if (key.toLowerCase() === 'status' && typeof value === 'string' && value.trim().toUpperCase() === 'DELETED') method = 'DELETE';
      }
    }
  }
  return method;
}

/** Could the query string or body carry an override? (A quick scan before parsing anything.) */
const OVERRIDE_HINT = /method|%/i;
const OVERRIDE_OR_STATUS_HINT = /method|status|%/i;

/**
 * The top-level parameters of the query string and body, as [key, value] pairs (arrays give
 * one pair per element), or null when none could be wanted. `hint` must match a wanted key (or
 * a "%" that could encode one), so most requests are passed over without parsing anything.
 */
export function topLevelParams(url: string, body: unknown, hint: RegExp): [string, unknown][] | null {
  let pairs: [string, unknown][] | null = null;
  const q = url.indexOf('?');
  if (q !== -1) {
    const hash = url.indexOf('#', q);
    const query = url.slice(q + 1, hash === -1 ? undefined : hash);
    if (hint.test(query)) for (const pair of new URLSearchParams(query)) (pairs ??= []).push(pair);
  }
  if (typeof body === 'string') {
    if (hint.test(body)) for (const pair of stringBodyPairs(body)) (pairs ??= []).push(pair);
  } else if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    for (const key in body) {
      if (!hint.test(key)) continue;
      const value = (body as Record<string, unknown>)[key];
      if (Array.isArray(value)) for (const v of value) (pairs ??= []).push([key, v]);
      else (pairs ??= []).push([key, value]);
    }
  }
  return pairs;
}

/** A JSON object body sent as text, or a form-encoded one. */
function stringBodyPairs(body: string): [string, unknown][] {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(body) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return Object.entries(parsed);
    } catch {
      return [];
    }
    return [];
  }
  return [...new URLSearchParams(body)];
}
