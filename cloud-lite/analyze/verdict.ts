// Validating the model's reply before anything keeps or shows it. The reply is untrusted text
// (the operation it judged came from an agent, and could carry an injection), so the rule is
// narrow and whole: the text is one JSON object (optionally inside a single ```json fence, the
// one tolerance), `level` an integer 0–3, `label` one line of plain prose describing the
// operation. Anything else in the object is dropped; a label that fails any check refuses the
// whole verdict (nothing is cached, nothing shown) rather than being repaired.
import { ANALYZE_MAX_LABEL_CHARS, AnalyzeVerdictSchema, type AnalyzeVerdict } from '../../core/protocol/analyze.ts';

/** Most characters of the reply text considered at all (a verdict is ~100). */
export const MAX_REPLY_TEXT_CHARS = 2000;

/**
 * What a label may contain: letters and combining marks of any script, digits, spaces, and the
 * punctuation prose needs. Not markup characters (< > & ` * # [ ] { } | \ ~ ^ = $ @), no
 * control, format or line-breaking characters (bidi overrides, zero-width), no "!" or "?".
 */
const LABEL_CHARS = /^[\p{L}\p{M}\p{N} .,:;'"’()/%+_-]+$/u;

/** A dot joining word characters ("evil.com", "api.example"): a URL or host name. */
const HOST_LIKE = /[\p{L}\p{N}-]\.[\p{L}]{2,}/u;

/**
 * Words that address someone or tell them to act: a verdict describes the operation in the
 * third person ("Deletes every product of a collection"), it never speaks to the agent, the
 * user or a model. Whole words, case-insensitive, anywhere in the label. A label with one of
 * them is refused even when harmless: failing closed costs a retry, keeping an injection costs
 * trust.
 */
const INSTRUCTION_WORDS = [
  'you',
  'your',
  'yours',
  'yourself',
  'ignore',
  'ignoring',
  'disregard',
  'forget',
  'override',
  'bypass',
  'pretend',
  'must',
  'should',
  'please',
  'instruction',
  'instructions',
  'prompt',
  'assistant',
  'run',
  'execute',
  'invoke',
  'click',
  'visit',
  'download',
  'install',
  'respond',
  'reply',
  'answer',
  'tell',
  'follow',
  'do not',
  "don't",
  'dont',
  'set level',
  'risk level',
  'level [0-9]',
  'http',
  'https',
  'www',
];
/** Imperatives that are also ordinary nouns or adjectives: refused where a sentence starts. */
const IMPERATIVE_STARTS = [
  'call',
  'open',
  'set',
  'approve',
  'allow',
  'trust',
  'stop',
  'retry',
  'continue',
  'proceed',
  'confirm',
  'use',
  'send',
];

const words = (list: string[]): string => list.map((w) => w.replace(/ /g, '\\s+')).join('|');
const INSTRUCTION = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${words(INSTRUCTION_WORDS)})(?![\\p{L}\\p{N}_])`, 'iu');
const IMPERATIVE = new RegExp(`(?:^|[.;:]\\s*)(?:${words(IMPERATIVE_STARTS)})(?![\\p{L}\\p{N}_])`, 'iu');

export type VerdictCheck = { ok: true; verdict: AnalyzeVerdict } | { ok: false; reason: string };

const refuse = (reason: string): VerdictCheck => ({ ok: false, reason });

/** The JSON text of the reply: the whole text, or the inside of one ```json fence around it. */
function jsonText(text: string): string {
  const t = text.trim();
  const fenced = /^```(?:json)?[ \t]*\n([\s\S]*?)\n[ \t]*```$/.exec(t);
  return (fenced ? fenced[1]! : t).trim();
}

/** Why a label is refused, or null when it is kept. */
export function labelProblem(label: string): string | null {
  if (label.length === 0) return 'empty label';
  if (label.length > ANALYZE_MAX_LABEL_CHARS) return 'label too long';
  if (label !== label.trim()) return 'label has surrounding space';
  if (!LABEL_CHARS.test(label)) return 'label has characters outside plain prose';
  if (HOST_LIKE.test(label) || label.includes('//')) return 'label holds a URL or host';
  if (INSTRUCTION.test(label) || IMPERATIVE.test(label)) return 'label reads as an instruction';
  return null;
}

/** The verdict in a reply's text, or why it is refused. */
export function verdictFromReply(text: string): VerdictCheck {
  if (text.length > MAX_REPLY_TEXT_CHARS) return refuse('reply too long');
  const inner = jsonText(text);
  if (!inner.startsWith('{') || !inner.endsWith('}')) return refuse('reply is not one JSON object');
  let parsed: unknown;
  try {
    parsed = JSON.parse(inner);
  } catch {
    return refuse('reply is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return refuse('reply is not one JSON object');
  const { level, label } = parsed as Record<string, unknown>;
  const checked = AnalyzeVerdictSchema.safeParse({ level, label });
  if (!checked.success) return refuse('verdict fails the schema (level 0–3, label 1–120 chars)');
  const problem = labelProblem(checked.data.label);
  if (problem !== null) return refuse(problem);
  // Only these two values leave: everything else the model wrote is dropped here.
  return { ok: true, verdict: { level: checked.data.level, label: checked.data.label } };
}
