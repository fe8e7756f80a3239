// The semantic-analysis contract (DESIGN.md "Signed uploads": POST /v1/analyze): what the guard
// asks cloud-lite about a write no rule matched, and the verdict it gets back. Signed like a
// batch. The request carries shapes and names only (method, endpoint pattern, GraphQL operation
// and field names, the argument shape with every value replaced by its type): never a value.
// cloud-lite scrubs it again, caps it, asks the model, validates the reply and caches the
// verdict globally by platform + method + endpoint pattern + operation.
import * as z from 'zod/mini';
import './zod-english.ts';
import { PLATFORMS, type Platform, type RiskLevel } from './vocabulary.ts';

/** Most characters of the request's text (after scrubbing) that reach the model. */
export const ANALYZE_MAX_INPUT_CHARS = 8000;
/** Most characters of a verdict's label: plain text, one line. */
export const ANALYZE_MAX_LABEL_CHARS = 120;
/** Most GraphQL field names a request lists. */
export const ANALYZE_MAX_FIELDS = 64;

/** The rule id a guard puts on an event scored with a cached cloud verdict. */
export const ANALYSIS_VERDICT_RULE = 'analysis.verdict';

export const AnalyzeRequestSchema = z.object({
  platform: z.enum(PLATFORMS),
  /** The effective method (what the upstream executes), upper case. */
  method: z.string().check(z.regex(/^[A-Z]{1,16}$/)),
  /** The endpoint pattern (ids already replaced), as on the audit event. */
  endpoint: z.string().check(z.minLength(1), z.maxLength(512)),
  /** GraphQL: `mutation fieldName` as on the audit event; null for REST. */
  operation: z.nullable(z.string().check(z.maxLength(512))),
  /** GraphQL root and nested field names, in document order. */
  fields: z.array(z.string().check(z.minLength(1), z.maxLength(128))).check(z.maxLength(ANALYZE_MAX_FIELDS)),
  /** The arguments' shape: objects and arrays kept, every scalar replaced by its type name. */
  argument_shape: z.optional(z.unknown()),
});
export type AnalyzeRequest = z.infer<typeof AnalyzeRequestSchema>;

export const AnalyzeVerdictSchema = z.object({
  level: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
  /** Plain text, one line, no markup. */
  label: z.string().check(z.minLength(1), z.maxLength(ANALYZE_MAX_LABEL_CHARS)),
});
export interface AnalyzeVerdict {
  level: RiskLevel;
  label: string;
}

export const AnalyzeResponseSchema = z.object({
  verdict: AnalyzeVerdictSchema,
  /** hit: answered from the global cache at no cost; miss: the model was asked now. */
  cache: z.enum(['hit', 'miss']),
  /** When the verdict was made (UTC ms). */
  analyzed_at: z.number(),
});
export type AnalyzeResponse = z.infer<typeof AnalyzeResponseSchema>;

/** The global cache key of a request: what makes two users' questions the same question. */
export function analyzeCacheKey(r: Pick<AnalyzeRequest, 'platform' | 'method' | 'endpoint' | 'operation'>): string {
  return JSON.stringify([r.platform, r.method, r.endpoint, r.operation]);
}

export type { Platform };
