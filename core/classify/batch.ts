// Meta batch requests: `batch=[{method, relative_url, body}, …]` (up to 50 items) sent to the
// Graph API root runs every item as its own call. Each item becomes an OperationInput of its
// own, so it is classified and scored like the same call sent alone.
// Decisions: a batch that cannot be read (not JSON, not a list, an item without relative_url,
// more than 50 items, a nested batch, a relative_url with dot segments or encoded separators)
// is refused: Meta would reject most of them anyway, and guessing could wave a delete through.
import type { OperationInput } from '../types.ts';
import { topLevelParams } from './effective.ts';

export const MAX_BATCH_ITEMS = 50;

export type BatchItems = { items: OperationInput[] } | { refusal: string };

/** True for the Graph API root, where Meta reads `batch`. */
export function isMetaBatchEndpoint(endpoint: string): boolean {
  return endpoint === '/{version}' || endpoint === '/';
}

/** The items of a Meta batch request, or null when the request carries no `batch` parameter. */
export function metaBatchItems(op: OperationInput): BatchItems | null {
  const raw = batchParam(op);
  if (raw === undefined) return null;
  let list: unknown = raw;
  if (typeof raw === 'string') {
    try {
      list = JSON.parse(raw);
    } catch {
      return { refusal: 'the Meta batch parameter is not valid JSON, so Warden cannot tell what it runs' };
    }
  }
  if (!Array.isArray(list)) return { refusal: 'the Meta batch parameter is not a list of requests' };
  if (list.length > MAX_BATCH_ITEMS) {
    return { refusal: `the Meta batch has ${list.length} requests; the Graph API takes at most ${MAX_BATCH_ITEMS}` };
  }
  const origin = originOf(op.url);
  const items: OperationInput[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i] as { method?: unknown; relative_url?: unknown; body?: unknown } | null;
    if (typeof item !== 'object' || item === null || typeof item.relative_url !== 'string') {
      return { refusal: `request ${i + 1} of the Meta batch has no relative_url` };
    }
    const method = item.method === undefined ? 'GET' : item.method;
    if (typeof method !== 'string') return { refusal: `request ${i + 1} of the Meta batch has no valid method` };
    const relative = item.relative_url.trim().replace(/^\/+/, '');
    const path = relative.split(/[?#]/, 1)[0]!;
    if (/(?:^|\/)\.+(?:\/|$)/.test(path) || /%(?:2f|5c|25)|\\/i.test(path)) {
      return { refusal: `request ${i + 1} of the Meta batch has a relative_url with "." segments or encoded separators` };
    }
    const body = item.body === undefined || item.body === null ? undefined : item.body;
    const itemOp: OperationInput = { tool: op.tool, method, url: `${origin}/${relative}`, body };
    if (batchParam(itemOp) !== undefined) return { refusal: `request ${i + 1} of the Meta batch is itself a batch` };
    items.push(itemOp);
  }
  return { items };
}

/** The `batch` parameter, from the query string or the (object or form-encoded) body. */
function batchParam(op: OperationInput): unknown {
  const body = op.body;
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'batch' in body) return (body as { batch: unknown }).batch;
  if (!op.url.includes('batch') && !(typeof body === 'string' && body.includes('batch'))) return undefined;
  const pairs = topLevelParams(op.url, body, /batch|%/i);
  if (pairs === null) return undefined;
  for (const [key, value] of pairs) if (key === 'batch') return value;
  return undefined;
}

function originOf(url: string): string {
  const scheme = url.indexOf('://');
  const slash = url.indexOf('/', scheme + 3);
  const end = slash === -1 ? url.length : slash;
  const query = url.indexOf('?', scheme + 3);
  return url.slice(0, query !== -1 && query < end ? query : end);
}
