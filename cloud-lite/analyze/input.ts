// What the model sees of a request: scrubbed again here (the guard scrubbed it already, but the
// service trusts no client with what it forwards to a third party), the argument shape reduced
// to names and type names, then capped at ANALYZE_MAX_INPUT_CHARS. The cache key is made from
// the scrubbed fields, so no value a client sent by mistake ends up as a key in the store.
import { ANALYZE_MAX_INPUT_CHARS, analyzeCacheKey, type AnalyzeRequest } from '../../core/protocol/analyze.ts';
import { scrubText, scrubUrl } from '../../core/scrub/scrubber.ts';

/** Shapes nest no deeper than this; deeper levels become "…". */
const MAX_SHAPE_DEPTH = 12;
/** Distinct element shapes kept per array (a list of 1,000 alike items is one shape). */
const MAX_ARRAY_SHAPES = 4;
/** Keys kept per object. */
const MAX_OBJECT_KEYS = 200;
const MAX_KEY_CHARS = 128;

export const TRUNCATION_MARK = '\n[truncated]';

export interface ModelInput {
  cacheKey: string;
  /** The user message: the scrubbed operation, at most ANALYZE_MAX_INPUT_CHARS characters. */
  text: string;
  truncated: boolean;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Objects and arrays kept, every scalar replaced by its type name; keys scrubbed as text. */
export function shapeOf(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object') return typeName(v);
  if (depth >= MAX_SHAPE_DEPTH) return '…';
  if (Array.isArray(v)) {
    const seen = new Map<string, unknown>();
    for (const item of v) {
      const s = shapeOf(item, depth + 1);
      const k = JSON.stringify(s);
      if (!seen.has(k)) seen.set(k, s);
      if (seen.size === MAX_ARRAY_SHAPES) break;
    }
    return [...seen.values()];
  }
  // fromEntries defines own properties: a key named "__proto__" stays a plain key.
  return Object.fromEntries(
    Object.entries(v)
      .slice(0, MAX_OBJECT_KEYS)
      .map(([k, item]) => [scrubText(k).slice(0, MAX_KEY_CHARS), shapeOf(item, depth + 1)]),
  );
}

/** Cuts `text` to `max` characters, marked, never inside a surrogate pair: the same input, the same cut. */
export function capText(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  let end = max - TRUNCATION_MARK.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { text: text.slice(0, end) + TRUNCATION_MARK, truncated: true };
}

export function modelInput(request: AnalyzeRequest): ModelInput {
  const scrubbed = {
    platform: request.platform,
    method: request.method,
    endpoint: scrubUrl(request.endpoint),
    operation: request.operation === null ? null : scrubText(request.operation),
    fields: request.fields.map((f) => scrubText(f)),
    argument_shape: request.argument_shape === undefined ? null : shapeOf(request.argument_shape),
  };
  // One key per line, the shape last: a cut keeps the parts that matter most.
  const full = [
    `platform: ${scrubbed.platform}`,
    `method: ${scrubbed.method}`,
    `endpoint: ${JSON.stringify(scrubbed.endpoint)}`,
    `operation: ${JSON.stringify(scrubbed.operation)}`,
    `fields: ${JSON.stringify(scrubbed.fields)}`,
    `argument_shape: ${JSON.stringify(scrubbed.argument_shape)}`,
  ].join('\n');
  const capped = capText(full, ANALYZE_MAX_INPUT_CHARS);
  return { cacheKey: analyzeCacheKey(scrubbed), ...capped };
}
