// Platform pacing: waits only after the platform asked to slow down, and never too long.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pacer } from '../../guard-server/forward/pacing.ts';

describe('Pacer', () => {
  it('does not delay a healthy platform', () => {
    const now = 1000;
    const p = new Pacer(() => now);
    p.observe('shop', 200, { rest_used: 3, rest_limit: 40 });
    assert.equal(p.delayFor('shop'), 0);
    p.observe('shop', 200, null);
    assert.equal(p.delayFor('shop'), 0);
  });
  it('honours Retry-After after a 429, per target, capped at 10 s', () => {
    let now = 0;
    const p = new Pacer(() => now);
    p.observe('a', 429, { retry_after_s: 2 });
    assert.equal(p.delayFor('a'), 2000);
    assert.equal(p.delayFor('b'), 0);
    now = 1500;
    assert.equal(p.delayFor('a'), 500);
    now = 2000;
    assert.equal(p.delayFor('a'), 0);
    p.observe('a', 429, { retry_after_s: 3600 });
    assert.equal(p.delayFor('a'), 10_000);
  });
  it('slows down near a full Shopify bucket, a low GraphQL budget and high Meta usage', () => {
    const now = 0;
    const p = new Pacer(() => now);
    p.observe('rest', 200, { rest_used: 39, rest_limit: 40 });
    assert.equal(p.delayFor('rest'), 500);
    p.observe('gql', 200, { graphql_available: 50, graphql_maximum: 2000 });
    assert.equal(p.delayFor('gql'), 1000);
    p.observe('meta', 200, { app_usage_pct: 97 });
    assert.equal(p.delayFor('meta'), 2000);
    p.observe('meta2', 200, { app_usage_pct: 40 });
    assert.equal(p.delayFor('meta2'), 0);
  });
});
