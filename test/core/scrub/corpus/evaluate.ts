// Scores the scrubber on the accuracy corpus: per family, recall (sensitive cases whose value
// was removed and counted under the expected type) and precision (of the cases where the
// scrubber reported a finding, the share that were right: a finding on a look-alike, or only
// findings of another type on a sensitive case, counts against it).
import type { PiiCounts } from '../../../../core/types.ts';
import { newPiiCounts, scrubHeaders, scrubText, scrubUrl, scrubValue } from '../../../../core/scrub/scrubber.ts';
import type { AccuracyCase, Carrier } from './accuracy-corpus.ts';

export function scrubFor(carrier: Carrier, input: unknown, counts: PiiCounts): unknown {
  switch (carrier) {
    case 'header':
      return scrubHeaders(input as Record<string, string>, counts);
    case 'query':
      return scrubUrl(input as string, counts);
    case 'json':
      return scrubValue(input, counts);
    case 'text':
      return scrubText(input as string, counts);
  }
}

export type Verdict = 'tp' | 'fn' | 'fp' | 'tn';

export interface Outcome {
  case: AccuracyCase;
  verdict: Verdict;
  output: string;
}

function found(counts: PiiCounts): number {
  return counts.email + counts.phone + counts.card + counts.secret;
}

export function judge(c: AccuracyCase): Outcome {
  const counts = newPiiCounts();
  const out = scrubFor(c.carrier, c.input, counts);
  const output = typeof out === 'string' ? out : JSON.stringify(out);
  if (c.expect === 'none') {
    const intact = JSON.stringify(out) === JSON.stringify(c.input) && found(counts) === 0;
    return { case: c, verdict: intact ? 'tn' : 'fp', output };
  }
  // A sensitive value can appear encoded in a query or as JSON-escaped text: check each form.
  const forms = c.sensitive.flatMap((v) => [v, encodeURIComponent(v), JSON.stringify(v).slice(1, -1)]);
  const gone = forms.every((f) => !output.includes(f));
  if (gone && counts[c.expect] > 0) return { case: c, verdict: 'tp', output };
  return { case: c, verdict: found(counts) > 0 && counts[c.expect] === 0 ? 'fp' : 'fn', output };
}

export interface FamilyScore {
  family: string;
  cases: number;
  tp: number;
  fn: number;
  fp: number;
  tn: number;
  precision: number;
  recall: number;
  misses: string[];
}

function ratio(a: number, b: number): number {
  return b === 0 ? 1 : a / b;
}

export function score(outcomes: Outcome[]): { families: FamilyScore[]; overall: FamilyScore } {
  const byFamily = new Map<string, FamilyScore>();
  const overall: FamilyScore = { family: 'overall', cases: 0, tp: 0, fn: 0, fp: 0, tn: 0, precision: 0, recall: 0, misses: [] };
  for (const o of outcomes) {
    const f = byFamily.get(o.case.family) ?? {
      family: o.case.family,
      cases: 0,
      tp: 0,
      fn: 0,
      fp: 0,
      tn: 0,
      precision: 0,
      recall: 0,
      misses: [],
    };
    for (const s of [f, overall]) {
      s.cases++;
      s[o.verdict]++;
    }
    if (o.verdict === 'fn' || o.verdict === 'fp') f.misses.push(`${o.case.carrier}: ${o.case.name}`);
    byFamily.set(o.case.family, f);
  }
  for (const s of [...byFamily.values(), overall]) {
    s.precision = ratio(s.tp, s.tp + s.fp);
    s.recall = ratio(s.tp, s.tp + s.fn);
  }
  return { families: [...byFamily.values()], overall };
}
