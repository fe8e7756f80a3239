import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameGlobToRegExp, pathGlobToRegExp } from '../../../core/rules/glob.ts';

test('path globs: * stays within a segment, ** crosses segments, the rest is literal', () => {
  const one = pathGlobToRegExp('/admin/api/*/products/{id}.json');
  assert.ok(one.test('/admin/api/{version}/products/{id}.json'));
  assert.ok(!one.test('/admin/api/a/b/products/{id}.json'));
  assert.ok(!one.test('/admin/api/{version}/products/{id}xjson'));
  const any = pathGlobToRegExp('/admin/api/{version}/**/metafields.json');
  assert.ok(any.test('/admin/api/{version}/products/{id}/metafields.json'));
  assert.ok(!any.test('/admin/api/{version}/metafields.json'));
  assert.ok(pathGlobToRegExp('**/webhooks').test('/v1/webhooks'));
  assert.ok(!pathGlobToRegExp('/a').test('/a/b'));
  assert.ok(pathGlobToRegExp('/a(b)+?$^|[x]\\').test('/a(b)+?$^|[x]\\'));
});

test('name globs: * matches anything, whole-name match', () => {
  assert.ok(nameGlobToRegExp('*Delete').test('productDelete'));
  assert.ok(!nameGlobToRegExp('*Delete').test('productDeleteMedia'));
  assert.ok(nameGlobToRegExp('*Delete*').test('productDeleteMedia'));
  assert.ok(nameGlobToRegExp('customer*').test('customerUpdate'));
  assert.ok(!nameGlobToRegExp('customer*').test('updateCustomer'));
});
