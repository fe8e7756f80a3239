// How events read in the Audit Log (extension/src/views/event-format.ts, filters.ts): the
// contract's "method and endpoint pattern" label, and event strings escaped in the tooltip.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  eventAccessibilityLabel,
  eventDescription,
  eventIcon,
  eventLabel,
  eventTooltip,
  escapeMarkdown,
  outcomeKind,
  relativeTime,
} from '../../extension/src/views/event-format.ts';
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
      'blocked by Warden · just now',
    );
    assert.equal(
      eventDescription(makeEvent({ ts: now, status: null, latency_ms: 30_000, outcome: 'error' }), now),
      'failed: error · 30000 ms · just now',
    );
    assert.equal(
      eventDescription(makeEvent({ ts: now, status: 429, latency_ms: 80, outcome: 'throttled' }), now),
      'throttled 429 · 80 ms · just now',
    );
    assert.equal(relativeTime(now - 3 * 3_600_000, now), '3 h ago');
  });

  it('a refused or failed call looks different from a forwarded one of the same risk', () => {
    const now = Date.now();
    const put = { method: 'PUT', endpoint: '/admin/api/{version}/products/{id}.json', risk_level: 1 as const, ts: now - 60_000 };
    const allowed = makeEvent({ ...put, outcome: 'forwarded', status: 200, latency_ms: 90 });
    const blocked = makeEvent({ ...put, outcome: 'blocked', status: null, latency_ms: null, error: 'agent writes are paused' });
    const denied = makeEvent({ ...put, outcome: 'denied', status: null, latency_ms: null, error: 'the user declined it' });
    const failed = makeEvent({ ...put, outcome: 'error', status: null, latency_ms: 30_000, error: 'timeout: no answer in 30 s' });
    const throttled = makeEvent({ ...put, outcome: 'throttled', status: 429, latency_ms: 50 });
    assert.deepEqual(
      [allowed, blocked, denied, failed, throttled].map((e) => outcomeKind(e.outcome)),
      ['forwarded', 'refused', 'refused', 'failed', 'throttled'],
    );
    // The shape tells the outcome, the colour still tells the risk.
    assert.deepEqual(eventIcon(allowed), { icon: 'info', color: 'charts.blue' });
    assert.deepEqual(eventIcon(blocked), { icon: 'circle-slash', color: 'charts.blue' });
    assert.deepEqual(eventIcon(denied), { icon: 'circle-slash', color: 'charts.blue' });
    assert.deepEqual(eventIcon(failed), { icon: 'debug-disconnect', color: 'charts.blue' });
    assert.deepEqual(eventIcon(throttled), { icon: 'watch', color: 'charts.blue' });
    assert.equal(new Set([allowed, blocked, failed, throttled].map((e) => eventIcon(e).icon)).size, 4);
    assert.deepEqual(eventIcon(makeEvent({ ...put, risk_level: 3, outcome: 'blocked' })), { icon: 'circle-slash', color: 'charts.red' });
    // Screen readers hear the outcome before the risk.
    assert.equal(
      eventAccessibilityLabel(allowed, now),
      'PUT /admin/api/{version}/products/{id}.json, forwarded, HTTP 200, risk routine write, 1 min ago',
    );
    assert.equal(
      eventAccessibilityLabel(blocked, now),
      'PUT /admin/api/{version}/products/{id}.json, blocked by Warden, not sent, risk routine write, 1 min ago',
    );
    assert.equal(
      eventAccessibilityLabel(failed, now),
      'PUT /admin/api/{version}/products/{id}.json, failed (error), no answer from the API, risk routine write, 1 min ago',
    );
    assert.match(eventAccessibilityLabel(denied, now), /denied by Warden, not sent/);
    assert.match(eventTooltip(blocked, []), /Outcome: blocked by Warden, not sent/);
    assert.match(eventTooltip(blocked, []), /Error: agent writes are paused/);
    assert.match(eventTooltip(allowed, []), /Outcome: forwarded, HTTP 200 · 90 ms/);
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
