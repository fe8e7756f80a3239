// The whole verdict on one request, as every part computes it (guard, `assess` CLI, benches):
// classify → the EFFECTIVE operation (method overrides, Meta `status=DELETED`, each item of a
// Meta batch, GraphQL in every transport) → the rule engine, once per operation the upstream
// will execute → the worst of them. The engine only ever sees effective methods and canonical
// endpoints, so a rule cannot be walked around by spelling the same call differently.
import type { Action, Classification, OperationInput, RiskLevel, RiskResult } from '../types.ts';
import { isMetaBatchEndpoint, metaBatchItems } from './batch.ts';
import { classify } from './classify.ts';
import type { ClassifyHints } from './classify.ts';
import { effectiveMethod } from './effective.ts';

/** What the engine offers (core/rules/engine.ts RuleEngine): kept minimal so the two stay decoupled. */
export interface RiskAssessor {
  assess(op: OperationInput, c: Classification): RiskResult;
}

export interface Assessment {
  /** The request's classification; `endpoint` is the canonical pattern. */
  classification: Classification;
  risk: RiskResult;
  /** What the upstream will execute (for a batch: the worst item's). */
  method: string;
  /** The GraphQL operations, or for a Meta batch `batch DELETE /{version}/{id},POST /…`; else null. */
  operation: string | null;
  /** Set when the guard must refuse the call rather than guess what it does. */
  refusal: string | null;
}

export interface AssessHints extends ClassifyHints {
  /** The URL classification reads the path and target from (the scrubbed one); default op.url. */
  recordUrl?: string;
}

const RANK: Record<Action, number> = { read: 0, write: 1, delete: 2 };
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Endpoints where a GraphQL read is what a GET or POST means: elsewhere GraphQL never lowers the REST verdict. */
const GRAPHQL_ENDPOINT = /\/graphql(?:\.json)?$/;

export function assessOperation(engine: RiskAssessor, op: OperationInput, hints?: AssessHints): Assessment {
  const recordUrl = hints?.recordUrl ?? op.url;
  // Path and target from the record URL (scrubbed), documents in the query string from the raw one.
  const cls =
    recordUrl === op.url ? classify(op, hints) : classify({ ...op, url: recordUrl }, { ...hints, rawUrl: hints?.rawUrl ?? op.url });
  const method = effectiveMethod(op, cls.platform);
  const effective = method === op.method ? op : { ...op, method };

  if (cls.refusal !== undefined)
    return failClosed(cls, method, cls.refusal, 'request.ambiguous_path', 'Path Warden cannot read unambiguously');

  if (cls.platform === 'meta' && isMetaBatchEndpoint(cls.endpoint)) {
    const batch = metaBatchItems(effective);
    if (batch !== null) {
      if ('refusal' in batch) return failClosed(cls, method, batch.refusal, 'meta.batch.unreadable', 'Meta batch Warden cannot read');
      if (batch.items.length > 0) return assessBatch(engine, cls, batch.items, hints);
    }
  }

  let risk = engine.assess(effective, cls);
  if (cls.graphql !== null && !(isGraphqlEndpoint(cls, op) && (method === 'GET' || method === 'POST'))) {
    // GraphQL found where the REST verdict also applies (a DELETE with a `query` body, a POST
    // to /users/1/disable): the document can raise the level, never lower it.
    risk = worse(risk, engine.assess(effective, { ...cls, graphql: null, operation: null }));
  }
  if (cls.graphqlOversized !== undefined) {
    risk = worse(
      risk,
      levelThree('graphql.oversized', `GraphQL document too large to inspect (${cls.graphqlOversized})`, 'graphql', 'write'),
    );
  }
  return { classification: cls, risk, method, operation: cls.operation, refusal: null };
}

function isGraphqlEndpoint(cls: Classification, op: OperationInput): boolean {
  return GRAPHQL_ENDPOINT.test(cls.endpoint) || op.tool.includes('graphql');
}

/** Every item scored as if sent alone; the batch is as risky as its worst item. */
function assessBatch(engine: RiskAssessor, cls: Classification, items: OperationInput[], hints: AssessHints | undefined): Assessment {
  const scored: { method: string; endpoint: string; risk: RiskResult; refusal: string | null }[] = [];
  for (const item of items) {
    const a = assessOperation(engine, item, { platform: 'meta', ...(hints?.target !== undefined ? { target: hints.target } : {}) });
    if (a.refusal !== null)
      return failClosed(
        cls,
        a.method,
        `a request in the Meta batch: ${a.refusal}`,
        'meta.batch.unreadable',
        'Meta batch Warden cannot read',
      );
    scored.push({ method: a.method, endpoint: a.classification.endpoint, risk: a.risk, refusal: null });
  }
  let worst = scored[0]!;
  for (const s of scored) {
    if (
      s.risk.risk_level > worst.risk.risk_level ||
      (s.risk.risk_level === worst.risk.risk_level && RANK[s.risk.action] > RANK[worst.risk.action])
    ) {
      worst = s;
    }
  }
  const byLevel = [...scored].sort((a, b) => b.risk.risk_level - a.risk.risk_level);
  let risk = byLevel[0]!.risk;
  for (let i = 1; i < byLevel.length; i++) risk = worse(risk, byLevel[i]!.risk);
  const operation = 'batch ' + scored.map((s) => `${s.method} ${s.endpoint}`).join(',');
  return { classification: cls, risk, method: worst.method, operation, refusal: null };
}

/** The union of two verdicts: the higher level, the stronger action, every rule once (a's first). */
export function worse(a: RiskResult, b: RiskResult): RiskResult {
  const first = b.risk_level > a.risk_level ? b : a;
  const second = first === a ? b : a;
  const rules = [...first.rules];
  const labels = [...first.labels];
  for (let i = 0; i < second.rules.length; i++) {
    if (!rules.includes(second.rules[i]!)) {
      rules.push(second.rules[i]!);
      labels.push(second.labels[i]!);
    }
  }
  const categories = [...first.categories];
  for (const c of second.categories) if (!categories.includes(c)) categories.push(c);
  const action = RANK[b.action] > RANK[a.action] ? b.action : a.action;
  return { risk_level: first.risk_level, rules, labels, categories, action };
}

function levelThree(rule: string, label: string, category: string, action: Action): RiskResult {
  return { risk_level: 3 as RiskLevel, rules: [rule], labels: [label], categories: [category], action };
}

/** A request Warden will not guess about: level 3, refused by the guard in every mode. */
function failClosed(cls: Classification, method: string, refusal: string, rule: string, label: string): Assessment {
  const action: Action = method === 'DELETE' ? 'delete' : READ_METHODS.has(method) ? 'read' : 'write';
  return { classification: cls, risk: levelThree(rule, label, 'unreadable', action), method, operation: cls.operation, refusal };
}
