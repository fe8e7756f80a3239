// User rule files: merged with the built-ins, validated rule by rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../../core/classify/index.ts';
import { createRuleEngine, validateRules } from '../../../core/rules/index.ts';
import type { OperationInput } from '../../../core/types.ts';

const SOURCE = '/home/u/.warden/rules.json';
const BUILTIN_COUNT = createRuleEngine().engine.rules.length;
const SHOP = 'https://demo.myshopify.com/admin/api/2025-10';
const run = (input: unknown, op: OperationInput) => {
  const { engine, errors } = createRuleEngine({ input, source: SOURCE });
  return { result: engine.assess(op, classify(op)), errors, engine };
};

test('a new user rule is added and matches', () => {
  const rule = {
    id: 'user.tags',
    platform: 'shopify',
    match: { method: 'PUT', path: '/admin/api/*/products/*.json', params: ['tags'] },
    level: 2,
    label: 'Retag',
    category: 'product',
  };
  const { result, errors, engine } = run([rule], {
    tool: 'shopify_rest',
    method: 'PUT',
    url: `${SHOP}/products/1.json`,
    body: { product: { tags: 'x' } },
  });
  assert.deepEqual(errors, []);
  assert.equal(engine.rules.length, BUILTIN_COUNT + 1);
  assert.equal(result.risk_level, 2);
  assert.deepEqual(result.rules, ['user.tags', 'shopify.product.update']);
});

test('a user rule with a built-in id replaces it', () => {
  const rule = {
    id: 'shopify.product.delete',
    platform: 'shopify',
    match: { method: 'DELETE', path: '/admin/api/{version}/products/{id}.json' },
    level: 2,
    label: 'Delete product (draft shop)',
    category: 'product',
  };
  const { result, engine } = run({ rules: [rule] }, { tool: 'shopify_rest', method: 'DELETE', url: `${SHOP}/products/1.json` });
  assert.equal(engine.rules.length, BUILTIN_COUNT);
  assert.equal(result.risk_level, 2);
  assert.deepEqual(result.labels, ['Delete product (draft shop)']);
  assert.equal(result.action, 'delete');
});

test('an invalid rule is reported by id and source; the other rules still load', () => {
  const good = {
    id: 'user.ok',
    platform: 'any',
    match: { tool: 'http_*', path: '**/admin/**' },
    level: 3,
    label: 'Admin',
    category: 'admin',
  };
  const bad = { id: 'user.bad', platform: 'shopify', match: { method: 'GET' }, level: 7, label: 'x', category: 'x' };
  const nameless = { platform: 'meta', match: {}, level: 1, label: 'x', category: 'x' };
  const { engine, errors } = createRuleEngine({ input: [bad, good, nameless], source: SOURCE });
  assert.equal(errors.length, 2);
  assert.match(errors[0]!, /^\/home\/u\/\.warden\/rules\.json: rule "user\.bad" \(#0\): level: expected level 0, 1, 2 or 3$/);
  assert.match(errors[1]!, /rules\.json: rule #2: .*id: .*match: match needs at least one condition/);
  assert.equal(engine.rules.length, BUILTIN_COUNT + 1);
  const op = { tool: 'http_request', method: 'GET', url: 'https://api.example.com/admin/users' };
  assert.deepEqual(engine.assess(op, classify(op)).rules, ['user.ok']);
});

test('typos in keys are refused with the key named', () => {
  const { errors } = validateRules(
    [{ id: 'u', platform: 'generic', match: { graphql_fields: ['x'] }, level: 1, label: 'x', category: 'x' }],
    'f.json',
  );
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /^f\.json: rule "u" \(#0\): match: Unrecognized key: "graphql_fields"/);
});

test('malformed files are refused with a clear error and the built-ins still load', () => {
  for (const input of ['not rules', 42, null, { version: 1 }, { rules: 'x' }]) {
    const { engine, errors } = createRuleEngine({ input, source: SOURCE });
    assert.equal(errors.length, 1, JSON.stringify(input));
    assert.match(errors[0]!, /^\/home\/u\/\.warden\/rules\.json: expected an array of rules or an object \{"rules": \[\.\.\.\]\}, got /);
    assert.equal(engine.rules.length, BUILTIN_COUNT);
  }
});

test('duplicate ids inside one file: error, the first definition is kept', () => {
  const a = { id: 'user.dup', platform: 'generic', match: { method: 'GET' }, level: 1, label: 'first', category: 'x' };
  const b = { ...a, label: 'second' };
  const { engine, errors } = createRuleEngine({ input: [a, b], source: SOURCE });
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /rule "user\.dup" \(#1\): duplicate id/);
  assert.equal(engine.rules.find((r) => r.id === 'user.dup')?.label, 'first');
});

test('user fallbacks are tried before the built-in catch-alls', () => {
  const fallback = {
    id: 'user.default',
    platform: 'generic',
    fallback: true,
    match: { method: ['post', 'put'] },
    level: 2,
    label: 'Unknown write',
    category: 'write',
  };
  const op = { tool: 'http_request', method: 'POST', url: 'https://api.example.com/v1/things' };
  const { result } = run([fallback], op);
  assert.deepEqual(result.rules, ['user.default']);
  assert.equal(result.risk_level, 2);
});

test('tool and param_values conditions', () => {
  const rule = {
    id: 'user.publish',
    platform: 'any',
    match: { tool: ['http_request'], param_values: { state: ['published', 'LIVE'] } },
    level: 3,
    label: 'Publish',
    category: 'content',
  };
  const op = (state: string, tool = 'http_request') => ({ tool, method: 'PATCH', url: 'https://cms.example.com/pages/1', body: { state } });
  assert.equal(run([rule], op('Published')).result.risk_level, 3);
  assert.equal(run([rule], op('draft')).result.risk_level, 1);
  assert.equal(run([rule], op('published', 'other_tool')).result.risk_level, 1);
});

test('users extend the intent vocabulary with word conditions; a word must be one lower-case word', () => {
  const rule = {
    id: 'user.intent.archive',
    platform: 'generic',
    match: { method: ['POST'], path_words: ['archive'] },
    level: 2,
    label: 'Archive',
    category: 'archive',
  };
  const { result, errors } = run([rule], { tool: 'http_request', method: 'POST', url: 'https://api.example.com/v1/projects/7/archive' });
  assert.deepEqual(errors, []);
  assert.deepEqual(result.rules, ['user.intent.archive']);
  const bad = { ...rule, id: 'user.bad', match: { path_words: ['api_key'], operation_words: [] } };
  const { errors: badErrors } = run([bad], { tool: 'http_request', method: 'GET', url: 'https://api.example.com/' });
  assert.equal(badErrors.length, 1);
  assert.match(badErrors[0]!, /rule "user\.bad".*match\.path_words\.0: expected one lower-case word/);
  assert.match(badErrors[0]!, /match\.operation_words/);
});
