// Names read as words: camelCase, snake_case, kebab-case, acronyms; whole words only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WordSet, splitWords } from '../../../core/rules/words.ts';

const SPLITS: [string, string[]][] = [
  ['deleteUser', ['delete', 'user']],
  ['delete_user', ['delete', 'user']],
  ['/users/{id}/remove', ['users', 'id', 'remove']],
  ['api-keys', ['api', 'keys']],
  ['APIKeys', ['api', 'keys']],
  ['createAPIKey', ['create', 'api', 'key']],
  ['v1Refunds', ['v1', 'refunds']],
  ['/v1/webhook_endpoints/{id}', ['v1', 'webhook', 'endpoints', 'id']],
  ['gid://shopify/Customer/1', ['gid', 'shopify', 'customer', '1']],
  ['', []],
];

for (const [text, words] of SPLITS) {
  test(`"${text}" → ${words.join(' ') || '(no words)'}`, () => assert.deepEqual(splitWords(text), words));
}

test('a word set matches whole words, never a piece of another word', () => {
  const set = new WordSet(['remove', 'transfer', 'key']);
  assert.equal(set.matches('/users/{id}/remove'), true);
  assert.equal(set.matches('removeAvatar'), true);
  assert.equal(set.matches('/removed-items'), false);
  assert.equal(set.matches('/transferable'), false);
  assert.equal(set.matches('/keyboard-layouts'), false);
  assert.equal(set.matches('/monkey'), false);
});

test('long texts are read up to a bound', () => {
  const set = new WordSet(['needle']);
  assert.equal(set.matches('x '.repeat(10) + 'needle'), true);
  assert.equal(set.matches('x '.repeat(40_000) + 'needle'), false);
});
