// Which calls the guard asks cloud-lite about, and the question it sends: a write or delete that
// only a fallback rule scored (no rule knows the operation), described by names and shapes only.
import { AnalyzeRequestSchema, ANALYZE_MAX_INPUT_CHARS, analyzeCacheKey, type AnalyzeRequest } from '../../core/protocol/analyze.ts';
import type { OperationInput, Platform, RiskResult } from '../../core/types.ts';
import { argumentShape, graphqlShape, keyName } from './shape.ts';

/** What the pipeline knows about a call, after scrubbing and classification. */
export interface AnalysisSubject {
  platform: Platform;
  /** The effective method. */
  method: string;
  /** The endpoint pattern, as on the event. */
  endpoint: string;
  /** The operation, as on the event (scrubbed). */
  operation: string | null;
  /** GraphQL root field names; null for REST. */
  rootFields: readonly string[] | null;
  /** The parsed arguments: read for their shape only, off the request path. */
  op: OperationInput;
}

/** A write or delete whose every matched rule is a fallback (or that matched none). */
export function isUnmatchedWrite(risk: RiskResult, fallbackRules: ReadonlySet<string>): boolean {
  return risk.action !== 'read' && risk.rules.every((id) => fallbackRules.has(id));
}

/** The cache key of the question, or null when the call cannot be asked about (a Meta batch, an oversized pattern). */
export function questionKey(s: AnalysisSubject): string | null {
  // A Meta batch is as risky as its worst item, each scored alone: its description lists every
  // item, so the same question would rarely come twice.
  if (s.operation?.startsWith('batch ')) return null;
  const head = { platform: s.platform, method: s.method, endpoint: s.endpoint, operation: s.operation };
  if (!AnalyzeRequestSchema.safeParse({ ...head, fields: [] }).success) return null;
  return analyzeCacheKey(head);
}

/** The question: names and shapes, never a value. Dropped parts keep it under the service's input cap. */
export function buildRequest(s: AnalysisSubject): AnalyzeRequest | null {
  const body = s.op.body;
  let fields: string[] = [...(s.rootFields ?? [])];
  let shape: unknown;
  if (s.rootFields !== null) {
    const doc = isRecord(body) && typeof body.query === 'string' ? graphqlShape(body.query) : null;
    if (doc) fields = doc.fields;
    const variables = isRecord(body) ? body.variables : undefined;
    shape = { arguments: doc?.arguments ?? {}, variables: variables === undefined ? {} : argumentShape(variables) };
  } else {
    shape = { query: queryShape(s.op.url), body: body === undefined ? null : argumentShape(body) };
  }
  let request: AnalyzeRequest = {
    platform: s.platform,
    method: s.method,
    endpoint: s.endpoint,
    operation: s.operation,
    fields: fields.slice(0, 64),
    argument_shape: shape,
  };
  if (JSON.stringify(request).length > ANALYZE_MAX_INPUT_CHARS) request = { ...request, argument_shape: 'omitted (too large)' };
  return AnalyzeRequestSchema.safeParse(request).success ? request : null;
}

function queryShape(url: string): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    for (const name of new URL(url).searchParams.keys()) {
      if (Object.keys(out).length >= 40) break;
      out[keyName(name)] = 'string';
    }
  } catch {
    // no query string to describe
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
