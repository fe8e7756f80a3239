// A rule turned into fast checks: globs become RegExp (or Set lookups when they have no
// wildcard) once, at load time, so assessing a request never re-reads the rule data.
import type { Action, GraphqlOperation, Platform, RiskLevel } from '../types.ts';
import { hasWildcard, nameGlobToRegExp, pathGlobToRegExp } from './glob.ts';
import type { RequestView } from './request.ts';
import type { Rule } from './schema.ts';
import { WordSet } from './words.ts';

/** Exact names in a Set, wildcard names as RegExps. */
export class NameMatcher {
  private readonly exact: Set<string>;
  private readonly patterns: RegExp[];

  constructor(globs: readonly string[]) {
    this.exact = new Set(globs.filter((g) => !hasWildcard(g)));
    this.patterns = globs.filter(hasWildcard).map(nameGlobToRegExp);
  }

  get exactNames(): ReadonlySet<string> {
    return this.exact;
  }

  get hasPatterns(): boolean {
    return this.patterns.length > 0;
  }

  test(name: string): boolean {
    if (this.exact.has(name)) return true;
    for (const p of this.patterns) if (p.test(name)) return true;
    return false;
  }
}

export interface CompiledRule {
  readonly rule: Rule;
  readonly id: string;
  readonly level: RiskLevel;
  readonly action: Action | undefined;
  readonly platform: Platform | 'any';
  readonly fallback: boolean;
  /** Position in the engine's rule list: ties in level keep this order. */
  readonly order: number;
  readonly methods: ReadonlySet<string> | null;
  readonly paths: readonly RegExp[] | null;
  readonly fields: NameMatcher | null;
  readonly graphqlType: GraphqlOperation['type'] | null;
  readonly tools: NameMatcher | null;
  readonly params: readonly string[] | null;
  readonly paramValues: readonly (readonly [string, ReadonlySet<string>])[] | null;
  readonly pathWords: WordSet | null;
  readonly operationWords: WordSet | null;
  readonly paramWords: readonly (readonly [string, WordSet])[] | null;
  /** Has graphql_field, graphql_type or operation_words: matched per root field of a GraphQL request. */
  readonly perField: boolean;
  /**
   * Names what the operation is (path, path words, GraphQL field, operation words), rather than
   * only a method or a parameter that may appear anywhere. When no such rule matched, the
   * fallbacks still apply: `status=PAUSED` on an unknown Meta edge does not make it known.
   */
  readonly recognises: boolean;
}

export function compileRule(rule: Rule, order: number): CompiledRule {
  const m = rule.match;
  const list = (v: string | string[] | undefined): string[] | null => (v === undefined ? null : Array.isArray(v) ? v : [v]);
  const methods = list(m.method);
  const paths = list(m.path);
  const fields = list(m.graphql_field);
  const tools = list(m.tool);
  return {
    rule,
    id: rule.id,
    level: rule.level,
    action: rule.action,
    platform: rule.platform,
    fallback: rule.fallback === true,
    order,
    methods: methods && new Set(methods.map((x) => x.toUpperCase())),
    paths: paths && paths.map(pathGlobToRegExp),
    fields: fields && new NameMatcher(fields),
    graphqlType: m.graphql_type ?? null,
    tools: tools && new NameMatcher(tools),
    params: m.params ?? null,
    paramValues: m.param_values
      ? Object.entries(m.param_values).map(([k, vs]) => [k, new Set(vs.map((x) => x.toUpperCase()))] as const)
      : null,
    pathWords: m.path_words ? new WordSet(m.path_words) : null,
    operationWords: m.operation_words ? new WordSet(m.operation_words) : null,
    paramWords: m.param_words ? Object.entries(m.param_words).map(([k, ws]) => [k, new WordSet(ws)] as const) : null,
    perField: fields !== null || m.graphql_type !== undefined || m.operation_words !== undefined,
    recognises: paths !== null || fields !== null || m.path_words !== undefined || m.operation_words !== undefined,
  };
}

export function matchesMethod(r: CompiledRule, method: string): boolean {
  return r.methods === null || r.methods.has(method);
}

/** Path globs and path words; both depend on the endpoint only, so their result is cached. */
export function matchesPath(r: CompiledRule, endpoint: string): boolean {
  if (r.pathWords !== null && !r.pathWords.matches(endpoint)) return false;
  if (r.paths === null) return true;
  for (const p of r.paths) if (p.test(endpoint)) return true;
  return false;
}

/** The conditions that depend on more than platform, method, endpoint and GraphQL field. */
export function matchesRequestDetails(r: CompiledRule, request: RequestView): boolean {
  if (r.tools !== null && !r.tools.test(request.tool)) return false;
  if (r.params !== null) {
    const p = request.params();
    if (!r.params.some((k) => p.has(k))) return false;
  }
  if (r.paramValues !== null) {
    const p = request.params();
    for (const [key, wanted] of r.paramValues) {
      const seen = p.values(key);
      if (seen === undefined) return false;
      let hit = false;
      for (const v of seen) if (wanted.has(v)) hit = true;
      if (!hit) return false;
    }
  }
  if (r.paramWords !== null) {
    const p = request.params();
    for (const [key, wanted] of r.paramWords) {
      const texts = p.texts(key);
      if (texts === undefined) return false;
      let hit = false;
      for (const t of texts) if (wanted.matches(t)) hit = true;
      if (!hit) return false;
    }
  }
  return true;
}
