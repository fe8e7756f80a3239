// The wire contract: what every reader accepts, across schema versions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AlertNotificationSchema,
  EVENT_SCHEMA_VERSION,
  actionOf,
  alertNotification,
  explainAuditEvent,
  normaliseShopDomain,
  parseAlert,
  parseAuditEvent,
  parseToolResultHeader,
} from '../../../core/protocol/index.ts';
import { SAMPLE_EVENT } from './sample-event.ts';

const v2 = SAMPLE_EVENT;

describe('audit event contract', () => {
  it('accepts the current version as is', () => {
    assert.deepEqual(parseAuditEvent(v2), v2);
    assert.equal(EVENT_SCHEMA_VERSION, 2);
  });

  it('upgrades version 1 events: v = 1, action derived from method or operation, no categories', () => {
    const { v: _v, action: _a, categories: _c, ...v1 } = v2;
    assert.deepEqual(parseAuditEvent(v1), { ...v1, v: 1, action: 'delete', categories: [] });
    assert.equal(parseAuditEvent({ ...v1, operation: null, method: 'GET' })?.action, 'read');
    assert.equal(parseAuditEvent({ ...v1, operation: null, method: 'DELETE' })?.action, 'delete');
    assert.equal(parseAuditEvent({ ...v1, operation: null, method: 'PATCH' })?.action, 'write');
  });

  it('reads what it knows of a newer version and drops the fields it does not know', () => {
    const future = { ...v2, v: 7, agent_model: 'x', cost: { tokens: 3 } };
    assert.deepEqual(parseAuditEvent(future), { ...v2, v: 7 });
  });

  it('refuses what is not an event, and says why', () => {
    for (const bad of [null, 'x', { ...v2, platform: 'tiktok' }, { ...v2, risk_level: 4 }, { ...v2, action: 'drop' }, { ...v2, id: '' }]) {
      assert.equal(parseAuditEvent(bad), null, JSON.stringify(bad));
    }
    assert.match(explainAuditEvent({ ...v2, outcome: 'lost' }) ?? '', /outcome/);
    assert.equal(explainAuditEvent(v2), null);
  });

  it('derives the action of GraphQL operations like the rule engine does', () => {
    assert.equal(actionOf('POST', 'mutation productUpdate,productDelete'), 'delete');
    assert.equal(actionOf('POST', 'mutation tagsRemove'), 'delete');
    assert.equal(actionOf('POST', 'mutation productUpdate'), 'write');
    assert.equal(actionOf('POST', 'query products'), 'read');
  });
});

describe('alert, notification and tool-result contracts', () => {
  const alert = {
    v: 2,
    id: 'a1',
    ts: 1,
    session_id: 's',
    instance_id: 'i',
    rule: 'consecutive_deletes',
    severity: 'critical',
    message: '3 deletes in a row',
    event_ids: ['e1'],
  };

  it('alerts of any version parse; bad severities do not', () => {
    assert.deepEqual(parseAlert(alert), alert);
    const { v: _v, ...v1 } = alert;
    assert.equal(parseAlert(v1)?.v, 1);
    assert.equal(parseAlert({ ...alert, severity: 'info' }), null);
  });

  it('the notification payload says whether writes were paused', () => {
    const n = alertNotification(parseAlert(alert)!, true);
    assert.deepEqual(AlertNotificationSchema.parse(n), {
      type: 'warden_alert',
      id: 'a1',
      rule: 'consecutive_deletes',
      severity: 'critical',
      message: '3 deletes in a row',
      session_id: 's',
      event_ids: ['e1'],
      paused_writes: true,
    });
    assert.equal('paused_writes' in alertNotification(parseAlert(alert)!), false);
  });

  it('the tool-result header parses after a refusal sentence and rejects a malformed one', () => {
    const h = parseToolResultHeader(
      'Warden blocked this call: paused\n{"warden":{"event_id":"e","risk_level":3,"rules":[],"outcome":"blocked"}}',
    );
    assert.equal(h.warden.outcome, 'blocked');
    assert.throws(() => parseToolResultHeader('{"warden":{"event_id":"e","risk_level":9,"rules":[]}}'));
    assert.throws(() => parseToolResultHeader('no header'), /no Warden header/);
  });
});

describe('shop domains', () => {
  it('normalises names, domains and admin URLs; refuses anything else', () => {
    assert.equal(normaliseShopDomain('My-Shop'), 'my-shop.myshopify.com');
    assert.equal(normaliseShopDomain(' https://my-shop.myshopify.com/admin/products '), 'my-shop.myshopify.com');
    for (const bad of ['evil.com', 'shop.myshopify.com.evil.com', '-x', '']) assert.equal(normaliseShopDomain(bad), null, bad);
  });
});
