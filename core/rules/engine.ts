// The risk rule engine: which rules an operation matches, its risk level and its action.
// On the request path, so everything that can be is done once: rules are compiled at load,
// and the rules that can match a (platform, method, endpoint) or a (platform, GraphQL type,
// root field) are cached — endpoints are patterns, so there are few distinct keys.
//
// Matching, in order:
// 1. GraphQL requests: for each root field, the regular field rules (graphql_field /
//    graphql_type / operation_words) that match; if none of them names the field (a
//    graphql_field or operation_words rule), also the first matching fallback field rule.
// 2. Request rules (no GraphQL condition): every regular rule that matches.
// 3. If no field matched and no regular request rule that names the endpoint (path or
//    path_words) matched, also the first matching fallback request rule: a rule on a
//    parameter alone (`status`, `daily_budget`) does not make an unknown endpoint known.
// All conditions of a rule must hold; a list inside a condition means "any of".
import type { Action, Classification, GraphqlOperation, OperationInput, Platform, RiskLevel, RiskResult } from '../types.ts';
import { actionForGraphqlField, actionForMethod, strongerAction } from './action.ts';
import { compileRule, matchesMethod, matchesPath, matchesRequestDetails } from './compile.ts';
import type { CompiledRule } from './compile.ts';
import { RequestView } from './request.ts';
import type { Rule } from './schema.ts';
import { validateRules } from './validate.ts';
import shopifyRules from './shopify.rules.json' with { type: 'json' };
import metaRules from './meta.rules.json' with { type: 'json' };
import genericRules from './generic.rules.json' with { type: 'json' };

export { validateRules } from './validate.ts';
export type { Rule } from './schema.ts';

export const BUILTIN_RULE_SOURCES: readonly { input: unknown; source: string }[] = [
  { input: shopifyRules, source: 'core/rules/shopify.rules.json' },
  { input: metaRules, source: 'core/rules/meta.rules.json' },
  { input: genericRules, source: 'core/rules/generic.rules.json' },
];

export interface RuleLoadResult {
  engine: RuleEngine;
  /** Each names the source file, the rule id (or index) and what is wrong. */
  errors: string[];
}

/**
 * Built-in rules plus, optionally, the user's. A user rule with a built-in id replaces it in
 * place; new user rules are appended, except new fallbacks, which go first so they are tried
 * before the built-in catch-alls.
 */
export function createRuleEngine(userRules?: { input: unknown; source: string }): RuleLoadResult {
  const errors: string[] = [];
  const builtins: Rule[] = [];
  const builtinIds = new Set<string>();
  for (const { input, source } of BUILTIN_RULE_SOURCES) {
    const loaded = validateRules(input, source);
    errors.push(...loaded.errors);
    for (const rule of loaded.rules) {
      if (builtinIds.has(rule.id)) {
        errors.push(`${source}: rule "${rule.id}": id already used by another built-in rule, skipped`);
        continue;
      }
      builtinIds.add(rule.id);
      builtins.push(rule);
    }
  }

  let merged = builtins;
  if (userRules !== undefined) {
    const loaded = validateRules(userRules.input, userRules.source);
    errors.push(...loaded.errors);
    const replacements = new Map(loaded.rules.filter((r) => builtinIds.has(r.id)).map((r) => [r.id, r]));
    const added = loaded.rules.filter((r) => !builtinIds.has(r.id));
    merged = [
      ...added.filter((r) => r.fallback === true),
      ...builtins.map((r) => replacements.get(r.id) ?? r),
      ...added.filter((r) => r.fallback !== true),
    ];
  }
  return { engine: new RuleEngine(merged), errors };
}

interface Candidates {
  readonly regular: readonly CompiledRule[];
  readonly fallback: readonly CompiledRule[];
  /** Field rules whose operation_words missed the field name: they may still match the operation's name. */
  readonly byOperationName: readonly CompiledRule[];
}

const PLATFORMS: readonly Platform[] = ['shopify', 'meta', 'generic'];
const CACHE_LIMIT = 4096;
const LEVEL_FOR_ACTION: Record<Action, RiskLevel> = { read: 0, write: 1, delete: 3 };

export class RuleEngine {
  readonly rules: readonly Rule[];
  private readonly requestRules = new Map<Platform, CompiledRule[]>();
  private readonly fieldRules = new Map<Platform, CompiledRule[]>();
  /** platform → method (or GraphQL type) → endpoint (or field) → candidates. */
  private readonly requestCache: CandidateCache = new Map();
  private readonly fieldCache: CandidateCache = new Map();

  constructor(rules: readonly Rule[]) {
    this.rules = Object.freeze([...rules]);
    const compiled = rules.map(compileRule);
    for (const platform of PLATFORMS) {
      const applies = compiled.filter((r) => r.platform === platform || r.platform === 'any');
      this.requestRules.set(
        platform,
        applies.filter((r) => !r.perField),
      );
      this.fieldRules.set(
        platform,
        applies.filter((r) => r.perField),
      );
    }
  }

  assess(op: OperationInput, c: Classification): RiskResult {
    // No closures here: this runs on every request (and tsx's keepNames makes them costly).
    const request = new RequestView(op, c.endpoint, c.graphql !== null);
    const matched: CompiledRule[] = [];
    let action: Action;
    if (c.graphql !== null) {
      action = 'read';
      for (const operation of c.graphql) {
        for (const field of operation.fields) {
          const fieldAction = this.matchField(c.platform, operation, field, request, matched);
          action = strongerAction(action, fieldAction ?? actionForGraphqlField(operation.type, field));
        }
      }
    } else {
      action = actionForMethod(request.method);
      if (c.platform === 'meta' && request.method === 'POST' && request.params().values('status')?.has('DELETED')) {
        action = 'delete';
      }
    }

    const candidates = this.requestCandidates(c.platform, request.method, c.endpoint);
    let recognised = matched.length > 0;
    let override: Action | undefined;
    for (const r of candidates.regular) {
      if (!matchesRequestDetails(r, request)) continue;
      addOnce(matched, r);
      if (r.recognises) recognised = true;
      if (r.action) override = override ? strongerAction(override, r.action) : r.action;
    }
    if (!recognised) {
      for (const r of candidates.fallback) {
        if (!matchesRequestDetails(r, request)) continue;
        matched.push(r);
        if (r.action) override = override ? strongerAction(override, r.action) : r.action;
        break;
      }
    }
    if (override) action = override;
    return summarise(matched, action);
  }

  /** Adds the rules matching one GraphQL root field; returns the action they impose, if any. */
  private matchField(
    platform: Platform,
    operation: GraphqlOperation,
    field: string,
    request: RequestView,
    matched: CompiledRule[],
  ): Action | undefined {
    const candidates = this.fieldCandidates(platform, operation.type, field);
    let override: Action | undefined;
    let recognised = false;
    for (const r of candidates.regular) {
      if (!fitsRequest(r, request)) continue;
      addOnce(matched, r);
      if (r.recognises) recognised = true;
      if (r.action) override = override ? strongerAction(override, r.action) : r.action;
    }
    if (operation.name !== null) {
      for (const r of candidates.byOperationName) {
        if (!r.operationWords!.matches(operation.name) || !fitsRequest(r, request)) continue;
        addOnce(matched, r);
        recognised = true;
        if (r.action) override = override ? strongerAction(override, r.action) : r.action;
      }
    }
    if (recognised) return override;
    for (const r of candidates.fallback) {
      if (!fitsRequest(r, request)) continue;
      addOnce(matched, r);
      return r.action ? (override ? strongerAction(override, r.action) : r.action) : override;
    }
    return override;
  }

  /** Request rules whose platform, method and path fit; tool and params are checked per call. */
  private requestCandidates(platform: Platform, method: string, endpoint: string): Candidates {
    const byEndpoint = cacheFor(this.requestCache, platform, method);
    let found = byEndpoint.get(endpoint);
    if (found === undefined) {
      const fit = this.requestRules.get(platform)!.filter((r) => matchesMethod(r, method) && matchesPath(r, endpoint));
      found = split(fit);
      remember(byEndpoint, endpoint, found);
    }
    return found;
  }

  /** Field rules whose platform, GraphQL type and field fit; the rest is checked per call. */
  private fieldCandidates(platform: Platform, type: string, field: string): Candidates {
    const byField = cacheFor(this.fieldCache, platform, type);
    let found = byField.get(field);
    if (found === undefined) {
      const fit = this.fieldRules
        .get(platform)!
        .filter((r) => (r.graphqlType === null || r.graphqlType === type) && (r.fields === null || r.fields.test(field)));
      const byName = fit.filter((r) => r.operationWords !== null && !r.operationWords.matches(field));
      found = split(
        fit.filter((r) => !byName.includes(r)),
        byName,
      );
      remember(byField, field, found);
    }
    return found;
  }
}

type CandidateCache = Map<Platform, Map<string, Map<string, Candidates>>>;

function cacheFor(cache: CandidateCache, platform: Platform, kind: string): Map<string, Candidates> {
  let byPlatform = cache.get(platform);
  if (byPlatform === undefined) cache.set(platform, (byPlatform = new Map()));
  let byKind = byPlatform.get(kind);
  if (byKind === undefined) byPlatform.set(kind, (byKind = new Map()));
  return byKind;
}

/** Fields are few per request: a linear scan beats a Set. */
function addOnce(matched: CompiledRule[], r: CompiledRule): void {
  if (!matched.includes(r)) matched.push(r);
}

/** Method and path (not pre-filtered for field rules) plus the per-request details. */
function fitsRequest(r: CompiledRule, request: RequestView): boolean {
  return matchesMethod(r, request.method) && matchesPath(r, request.endpoint) && matchesRequestDetails(r, request);
}

function split(rules: CompiledRule[], byOperationName: CompiledRule[] = []): Candidates {
  return {
    regular: rules.filter((r) => !r.fallback),
    fallback: rules.filter((r) => r.fallback),
    byOperationName: byOperationName.filter((r) => !r.fallback),
  };
}

/** Bounded: a flood of distinct keys resets the cache rather than growing it. */
function remember(cache: Map<string, Candidates>, key: string, value: Candidates): void {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
}

function summarise(matched: CompiledRule[], action: Action): RiskResult {
  if (matched.length === 0) {
    return { risk_level: LEVEL_FOR_ACTION[action], rules: [], labels: [], categories: [], action };
  }
  matched.sort((a, b) => b.level - a.level || a.order - b.order);
  const categories: string[] = [];
  for (const r of matched) if (!categories.includes(r.rule.category)) categories.push(r.rule.category);
  return {
    risk_level: matched[0]!.level,
    rules: matched.map((r) => r.id),
    labels: matched.map((r) => r.rule.label),
    categories,
    action,
  };
}
