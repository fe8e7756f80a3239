// Stored events carry everything the sequence detector needs (action, categories), so anyone
// holding them (cloud-lite, the extension, the CLI) raises exactly the alerts the guard raised,
// GraphQL delete mutations included: facts that could not be rebuilt from the event before.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SequenceDetector, sequenceStep } from '../../core/alerts/sequence.ts';
import { startShopifyStandin, type ShopifyStandin } from '../../devtools/standins/shopify.ts';
import { openAuditReader } from '../../store/index.ts';
import { guardEnv, meta, startGuard, tempDir } from '../helpers/guard.ts';

const TOKEN = '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';

describe('replaying stored events', () => {
  let shopify: ShopifyStandin;
  before(async () => {
    shopify = await startShopifyStandin({ token: TOKEN });
  });
  after(() => shopify?.close());

  it('raises the same alerts as the guard, from the stored events alone', async () => {
    const dataDir = tempDir();
    const guard = await startGuard(guardEnv({ dataDir, shopify: { ...shopify, token: TOKEN } }));
    try {
      await guard.call('shopify_rest', { method: 'GET', path: '/products.json' });
      // Deletes spelled as GraphQL mutations: the HTTP method is POST, the action is delete.
      for (const id of ['632910392', '921728736', '1071559571']) {
        const r = await guard.call('shopify_graphql', {
          query: 'mutation Drop($id: ID!) { productDelete(input: {id: $id}) { deletedProductId } }',
          variables: { id: `gid://shopify/Product/${id}` },
        });
        assert.equal(meta(r).warden.risk_level, 3);
      }
      await guard.call('shopify_rest', { method: 'GET', path: '/shop.json' });
    } finally {
      await guard.close();
    }
    const live = guard.notifications.map((n) => ({ rule: n.data.rule, severity: n.data.severity, event_ids: n.data.event_ids }));
    assert.ok(
      live.some((a) => a.rule === 'consecutive_deletes'),
      'the guard raised the delete run',
    );

    const reader = await openAuditReader(dataDir);
    const events = reader.latest(100).reverse(); // oldest first, as they happened
    reader.close();
    assert.equal(events.length, 5);
    assert.deepEqual(
      events.map((e) => e.action),
      ['read', 'delete', 'delete', 'delete', 'read'],
    );
    const detector = new SequenceDetector();
    const replayed = events.flatMap((e) => detector.observe(sequenceStep(e)));
    assert.deepEqual(
      replayed.map((a) => ({ rule: a.rule, severity: a.severity, event_ids: a.event_ids })),
      live,
    );
  });
});
