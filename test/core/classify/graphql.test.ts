import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidGraphqlError, MAX_QUERY_BYTES, parseGraphql } from '../../../core/classify/index.ts';

test('shorthand query is a query with its root fields', () => {
  assert.deepEqual(parseGraphql('{ shop { name } products(first: 5) { edges { node { id } } } }'), [
    { type: 'query', name: null, fields: ['shop', 'products'] },
  ]);
});

test('mutation and subscription types and operation names', () => {
  assert.deepEqual(parseGraphql('mutation Del($id: ID!) { productDelete(input: {id: $id}) { deletedProductId } }'), [
    { type: 'mutation', name: 'Del', fields: ['productDelete'] },
  ]);
  assert.deepEqual(parseGraphql('subscription { orderCreated { id } }'), [{ type: 'subscription', name: null, fields: ['orderCreated'] }]);
});

test('aliases resolve to the real field names, duplicates are dropped in order', () => {
  assert.deepEqual(
    parseGraphql('mutation { a: productDelete(input: {}) { x } b: collectionDelete(input: {}) { x } c: productDelete(input: {}) { x } }'),
    [{ type: 'mutation', name: null, fields: ['productDelete', 'collectionDelete'] }],
  );
});

test('fragments spread at the root are expanded, nested fragments too', () => {
  const q = `mutation M { ...Danger shopUpdate { x } }
    fragment Danger on Mutation { productDelete(input: {}) { x } ...More }
    fragment More on Mutation { customerDelete(input: {}) { x } }`;
  assert.deepEqual(parseGraphql(q), [{ type: 'mutation', name: 'M', fields: ['productDelete', 'customerDelete', 'shopUpdate'] }]);
});

test('fragments below the root do not add root fields', () => {
  const q = 'query { products(first: 1) { ...P } } fragment P on ProductConnection { nodes { id } }';
  assert.deepEqual(parseGraphql(q), [{ type: 'query', name: null, fields: ['products'] }]);
});

test('inline fragments at the root are expanded', () => {
  assert.deepEqual(
    parseGraphql(
      'mutation { ... on Mutation { webhookSubscriptionCreate(topic: ORDERS_CREATE) { x } } ... @include(if: true) { themeDelete(id: "1") { x } } }',
    ),
    [{ type: 'mutation', name: null, fields: ['webhookSubscriptionCreate', 'themeDelete'] }],
  );
});

test('several operations: all of them without operationName, only the named one with it', () => {
  const q = 'query Read { shop { name } } mutation Wipe { productDelete(input: {}) { x } }';
  assert.deepEqual(parseGraphql(q), [
    { type: 'query', name: 'Read', fields: ['shop'] },
    { type: 'mutation', name: 'Wipe', fields: ['productDelete'] },
  ]);
  assert.deepEqual(parseGraphql(q, 'Wipe'), [{ type: 'mutation', name: 'Wipe', fields: ['productDelete'] }]);
  assert.deepEqual(parseGraphql(q, 'Read'), [{ type: 'query', name: 'Read', fields: ['shop'] }]);
});

test('invalid syntax → InvalidGraphqlError with the parser message and position', () => {
  assert.throws(() => parseGraphql('mutation { productDelete(input: {}) { } }'), {
    name: 'InvalidGraphqlError',
    message: 'invalid GraphQL: Syntax Error: Expected Name, found "}" at 1:39',
  });
  assert.throws(
    () => parseGraphql('{ shop { name }'),
    (err: unknown) => {
      assert.ok(err instanceof InvalidGraphqlError);
      assert.match(err.message, /^invalid GraphQL: Syntax Error: Expected Name, found <EOF> at 1:16$/);
      return true;
    },
  );
});

test('the same invalid query fails again when it comes from the cache', () => {
  for (let i = 0; i < 2; i++) assert.throws(() => parseGraphql('query {'), InvalidGraphqlError);
});

test('documents without an operation are invalid', () => {
  assert.throws(() => parseGraphql('fragment F on Query { shop { name } }'), {
    message: 'invalid GraphQL: the document has no operation',
  });
  assert.throws(() => parseGraphql(''), InvalidGraphqlError);
});

test('an unknown operationName is invalid', () => {
  assert.throws(() => parseGraphql('query A { shop { name } }', 'B'), { message: 'invalid GraphQL: operation "B" not found' });
});

test('unknown or self-spreading root fragments are invalid', () => {
  assert.throws(() => parseGraphql('{ ...Missing }'), { message: 'invalid GraphQL: unknown fragment "Missing"' });
  assert.throws(() => parseGraphql('{ ...F } fragment F on Query { ...F }'), { message: 'invalid GraphQL: fragment "F" spreads itself' });
});

test('oversized queries are refused before parsing', () => {
  const big = '{ shop { name } }' + ' '.repeat(MAX_QUERY_BYTES);
  assert.throws(() => parseGraphql(big), { name: 'InvalidGraphqlError', message: 'GraphQL query too large' });
  // multi-byte characters count as bytes: 40 000 × "é" (2 bytes) + 30 000 × "€" (3 bytes) > 100 KB
  const multiByte = '{ shop { name } } # ' + 'é'.repeat(40_000) + '€'.repeat(30_000);
  assert.ok(multiByte.length < MAX_QUERY_BYTES);
  assert.throws(() => parseGraphql(multiByte), { message: 'GraphQL query too large' });
  const justUnder = '{ shop { name } } #' + 'x'.repeat(MAX_QUERY_BYTES - 100);
  assert.deepEqual(parseGraphql(justUnder), [{ type: 'query', name: null, fields: ['shop'] }]);
});

test('cached results are shared and cannot be mutated by a caller', () => {
  const q = 'mutation { productUpdate(input: {}) { x } }';
  const first = parseGraphql(q);
  const second = parseGraphql(q);
  assert.equal(first, second);
  assert.throws(() => first[0]!.fields.push('customerDelete'), TypeError);
  assert.deepEqual(parseGraphql(q)[0]!.fields, ['productUpdate']);
});

test('the cache key includes the operation name', () => {
  const q = 'query A { shop { name } } query B { products(first: 1) { nodes { id } } }';
  assert.deepEqual(parseGraphql(q, 'A')[0]!.fields, ['shop']);
  assert.deepEqual(parseGraphql(q, 'B')[0]!.fields, ['products']);
  assert.equal(parseGraphql(q).length, 2);
});
