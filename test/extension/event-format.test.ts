// How events read in the Audit Log (extension/src/views/event-format.ts, filters.ts): the
// contract's "method and endpoint pattern" label, and event strings escaped in the tooltip.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventDescription, eventLabel, eventTooltip, escapeMarkdown, relativeTime } from '../../extension/src/views/event-format.ts';
import { describeFilter, toEventFilter } from '../../extension/src/views/filters.ts';
import { makeEvent } from '../store/helpers.ts';

describe('audit tree items', () => {
  it('label: method and endpoint pattern, plus the GraphQL operation', () => {
    assert.equal(
      eventLabel(makeEvent({ method: 'DELETE', endpoint: '/admin/api/{version}/products/{id}.json', operation: null })),
      'DELETE /admin/api/{version}/products/{id}.json',
    );
    assert.equal(
      eventLabel(makeEvent({ method: 'POST', endpoint: '/admin/api/{version}/graphql.json', operation: 'mutation productDelete' })),
      'POST /admin/api/{version}/graphql.json mutation productDelete',
    );
  });

  it('description: status · latency · relative time', () => {
    const now = Date.now();
    assert.equal(
      eventDescription(makeEvent({ ts: now - 5 * 60_000, status: 200, latency_ms: 41.6, outcome: 'forwarded' }), now),
      '200 · 42 ms · 5 min ago',
    );
    assert.equal(
      eventDescription(makeEvent({ ts: now, status: null, latency_ms: null, outcome: 'blocked' }), now),
      'blocked · — · just now',
    );
    assert.equal(relativeTime(now - 3 * 3_600_000, now), '3 h ago');
  });

  it('tooltip escapes event strings: no link, image or HTML can be injected', () => {
    const e = makeEvent({ error: '[click](https://evil.example) <img src=x> **bold**', rules: ['shopify.delete_product'] });
    const md = eventTooltip(e, [{ message: '3 deletes in a row', severity: 'critical' }]);
    assert.ok(!md.includes('[click](https'), md);
    assert.ok(!md.includes('<img'), md);
    assert.ok(md.includes('\\[click\\]\\(https\\://evil\\.example\\)'), md);
    assert.match(md, /Alert \(critical\): 3 deletes in a row/);
    assert.match(md, /Rules: shopify\\\.delete\\_product/);
    assert.equal(escapeMarkdown('a\nb'), 'a b');
  });

  it('filters become a store filter and a short description', () => {
    const f = { minRisk: 2, platform: 'shopify', outcome: 'blocked', text: 'product' };
    assert.deepEqual(toEventFilter(f), { minRisk: 2, platform: 'shopify', outcome: 'blocked', text: 'product' });
    assert.equal(describeFilter(f), 'Filtered: risk ≥ sensitive, shopify, blocked, "product"');
    assert.equal(describeFilter({}), '');
  });
});
