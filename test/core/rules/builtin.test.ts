// The built-in rule sets, checked against the case table; every built-in rule must be
// exercised by at least one case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../../core/classify/index.ts';
import { createRuleEngine } from '../../../core/rules/index.ts';
import { ALL_CASES } from './cases.ts';
import type { RuleCase } from './cases.ts';

const { engine, errors } = createRuleEngine();

function describeCase(c: RuleCase): string {
  const body = c.op.body as { query?: string } | undefined;
  const what = typeof body?.query === 'string' ? body.query.replace(/\s+/g, ' ').slice(0, 60) : '';
  return `${c.op.method} ${c.op.url.replace(/^https?:\/\/[^/]+/, '')} ${what}`.trim();
}

test('built-in rules load without errors', () => {
  assert.deepEqual(errors, []);
  assert.ok(engine.rules.filter((r) => r.platform === 'shopify').length >= 60);
  assert.ok(engine.rules.filter((r) => r.platform === 'meta').length >= 30);
});

test('built-in rule ids are unique', () => {
  const ids = engine.rules.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
});

for (const c of ALL_CASES) {
  test(`${describeCase(c)} → level ${c.level}, ${c.rule}, ${c.action}`, () => {
    const result = engine.assess(c.op, classify(c.op, c.hints));
    assert.ok(result.rules.includes(c.rule), `expected ${c.rule} in ${JSON.stringify(result.rules)}`);
    assert.equal(result.risk_level, c.level, `rules: ${JSON.stringify(result.rules)}`);
    assert.equal(result.action, c.action);
  });
}

test('every built-in rule is matched by at least one case', () => {
  const matched = new Set<string>();
  for (const c of ALL_CASES) for (const id of engine.assess(c.op, classify(c.op, c.hints)).rules) matched.add(id);
  const unmatched = engine.rules.map((r) => r.id).filter((id) => !matched.has(id));
  assert.deepEqual(unmatched, []);
});

test('every Shopify category has both a REST and a GraphQL case, where both APIs exist', () => {
  const seen = new Map<string, Set<'rest' | 'graphql'>>();
  for (const c of ALL_CASES) {
    const cl = classify(c.op, c.hints);
    if (cl.platform !== 'shopify') continue;
    for (const category of engine.assess(c.op, cl).categories) {
      if (!seen.has(category)) seen.set(category, new Set());
      seen.get(category)!.add(cl.graphql ? 'graphql' : 'rest');
    }
  }
  // Written only through GraphQL: files, bulk operations, staff permissions, pixels, marketing activities.
  const graphqlOnly = new Set(['file', 'bulk', 'permission', 'pixel', 'marketing']);
  for (const category of new Set(engine.rules.filter((r) => r.platform === 'shopify').map((r) => r.category))) {
    const kinds = seen.get(category);
    assert.ok(kinds?.has('graphql'), `${category}: no GraphQL case`);
    if (!graphqlOnly.has(category)) assert.ok(kinds?.has('rest'), `${category}: no REST case`);
  }
});
