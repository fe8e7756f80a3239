// A cloud verdict as the guard uses it: validated plain text, and a score that can only RAISE
// the rules' level. The unclassified floor (2 for a Shopify/Meta write, 3 for a delete) stays:
// a poisoned verdict (a hostile model reply that slipped through, a tampered cache) must never
// walk a call around confirm or block. The worst it can do is ask or refuse more often.
import { worse } from '../../core/classify/index.ts';
import { ANALYSIS_VERDICT_RULE, AnalyzeVerdictSchema, type AnalyzeVerdict } from '../../core/protocol/analyze.ts';
import { scrubText } from '../../core/scrub/scrubber.ts';
import type { RiskLevel, RiskResult } from '../../core/types.ts';

/** One line of plain text: no control characters, no markup, nothing the scrubber would change. */
// eslint-disable-next-line no-control-regex
const PLAIN = /^[^\u0000-\u001f\u007f-\u009f<>`\u2028\u2029]+$/;

/** The verdict when it is valid and its label plain (trimmed); otherwise null. */
export function plainVerdict(value: unknown): AnalyzeVerdict | null {
  const parsed = AnalyzeVerdictSchema.safeParse(value);
  if (!parsed.success) return null;
  const label = parsed.data.label.trim();
  if (label.length === 0 || !PLAIN.test(label) || scrubText(label) !== label) return null;
  return { level: parsed.data.level as RiskLevel, label };
}

/** The rules' verdict joined with the cloud's: the higher level, the rules' action, the verdict on the record. */
export function withVerdict(risk: RiskResult, verdict: AnalyzeVerdict): RiskResult {
  const cloud: RiskResult = {
    risk_level: verdict.level,
    rules: [ANALYSIS_VERDICT_RULE],
    labels: [`Cloud analysis: ${verdict.label}`],
    categories: [],
    action: risk.action,
  };
  return worse(risk, cloud);
}
