// What a guard tool returns to the agent: the first text block is a JSON header (upstream
// status, the useful headers, Warden's verdict), the second the upstream body unchanged. A
// refused or failed call is one text block: a sentence, then `{"warden": verdict}`.
import { z } from 'zod';
import { ALERT_SEVERITIES, OUTCOMES } from './vocabulary.ts';

export const ToolVerdictSchema = z.object({
  event_id: z.string(),
  risk_level: z.number().int().min(0).max(3),
  rules: z.array(z.string()),
  /** Present when the call was not answered by the upstream (blocked, denied, error). */
  outcome: z.enum(OUTCOMES).optional(),
  /** Alerts raised by this call. */
  alerts: z.array(z.object({ rule: z.string(), severity: z.enum(ALERT_SEVERITIES), message: z.string() })).optional(),
});
export type ToolVerdict = z.infer<typeof ToolVerdictSchema>;

export const ToolResultHeaderSchema = z.object({
  /** Absent when the call never reached the upstream. */
  status: z.number().int().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** "base64" when the body block is binary, base64-encoded. */
  body_encoding: z.literal('base64').optional(),
  warden: ToolVerdictSchema,
});
export type ToolResultHeader = z.infer<typeof ToolResultHeaderSchema>;

/** Reads the header out of a tool result's first text block (the JSON starts at the first "{"). */
export function parseToolResultHeader(text: string): ToolResultHeader {
  const start = text.indexOf('{');
  if (start < 0) throw new Error('no Warden header in the tool result');
  return ToolResultHeaderSchema.parse(JSON.parse(text.slice(start)));
}
