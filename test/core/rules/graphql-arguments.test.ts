// Inline GraphQL arguments as parameters: the keys and scalar values a document carries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlineArguments } from '../../../core/rules/graphql-arguments.ts';
import type { ArgumentValue } from '../../../core/rules/graphql-arguments.ts';

function pairs(query: string): string[] {
  const out: string[] = [];
  const show = (v: ArgumentValue) => (v === null ? '{}' : 'text' in v ? v.text : `$${v.variable}`);
  for (const [key, value] of inlineArguments(query)) out.push(`${key}=${show(value)}`);
  return out;
}

test('objects, lists, enums and scalars nested in arguments', () => {
  assert.deepEqual(
    pairs(
      'mutation { productSet(synchronous: true, input: {title: "Mug", status: ACTIVE, variants: [{price: "9.99"}]}) { product { id } } }',
    ),
    ['synchronous=true', 'input={}', 'title=Mug', 'status=ACTIVE', 'variants={}', 'price=9.99'],
  );
});

test('list items belong to their key; nested lists too', () => {
  assert.deepEqual(pairs('{ nodes(ids: ["gid://shopify/Customer/1", "gid://shopify/Order/2"]) { id } }'), [
    'ids={}',
    'ids=gid://shopify/Customer/1',
    'ids=gid://shopify/Order/2',
  ]);
  assert.deepEqual(pairs('mutation { a(l: [[1], [2]], e: [RED]) { id } }'), ['l={}', 'l=1', 'l=2', 'e={}', 'e=RED']);
});

test('variables: a use names the variable, a definition is not an argument', () => {
  assert.deepEqual(
    pairs('mutation Run($q: String!, $input: ProductInput) { bulkOperationRunQuery(query: $q) { x } productSet(input: $input) { x } }'),
    ['query=$q', 'input=$input'],
  );
});

test('block strings, comments and strings are single tokens', () => {
  assert.deepEqual(
    pairs('mutation { bulkOperationRunQuery(query: """{ customers(first: 5) { edges { node { id } } } }""") { x } } # price: "1"'),
    ['query={ customers(first: 5) { edges { node { id } } } }'],
  );
  assert.deepEqual(pairs('mutation { a(note: "price: 1") { x } }'), ['note=price: 1']);
});

test('GraphQL lexical details: escapes, block-string escapes, numbers, punctuators', () => {
  assert.deepEqual(pairs('mutation { a(s: "say \\"hi\\"", b: """x \\""" y""", n: -1.5e3, f: 2) @skip(if: false) { x } }'), [
    's=say \\"hi\\"',
    'b=x \\""" y',
    'n=-1.5e3',
    'f=2',
    'if=false',
  ]);
  assert.deepEqual(pairs('query Q($v: Int = 3) { a(x: $v) { ...F } } fragment F on A { b(y: "1") }'), ['x=$v', 'y=1']);
  // a comment is skipped up to the end of its line, a colon in it is no argument
  assert.deepEqual(pairs('mutation { a( # note: "x"\n b: "1") { x } }'), ['b=1']);
  // a line break inside a one-line string is not GraphQL: reading stops
  assert.deepEqual(pairs('mutation { a(t: "ok", s: "line\nbreak") { x } }'), ['t=ok']);
});

test('no colon, no work; unlexable input stops quietly', () => {
  assert.deepEqual(pairs('{ shop { name } }'), []);
  assert.deepEqual(pairs('mutation { a(b: "unterminated) { x } }'), []);
});
