// The command line: scrub, assess, audit and their errors and exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AuditStore } from '../../../store/index.ts';
import { newId } from '../../../core/ids.ts';
import type { AuditEvent } from '../../../core/types.ts';
import { GUARD, auditAlerts, auditEvents, tempDir } from '../../helpers/guard.ts';

function cli(args: string[], input = '', env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [GUARD, ...args], { input, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const shop = 'https://demo.myshopify.com/admin/api/2025-10';

describe('warden-guard CLI', () => {
  it('--help and --version exit 0; unknown commands exit 2 with one line', () => {
    assert.equal(cli(['--help']).code, 0);
    assert.match(cli(['--help']).out, /scrub|assess|audit/);
    assert.match(cli(['--version']).out, /^\d+\.\d+\.\d+\n$/);
    const bad = cli(['frobnicate']);
    assert.equal(bad.code, 2);
    assert.equal(bad.err.trim().split('\n').length, 1);
    assert.match(bad.err, /unknown command "frobnicate"/);
    for (const c of ['scrub', 'assess', 'audit']) assert.equal(cli([c, '--help']).code, 0, c);
  });

  it('scrub: JSON lines stay JSON, text lines are scrubbed', () => {
    const input = [
      JSON.stringify({ headers: { Authorization: 'Bearer abcdefghijklmnop123456' }, email: 'jane@example.com', id: 632910392 }),
      'call +44 20 7946 0958 about order #1001 with shpat_0123456789abcdef0123456789abcdef',
      '',
    ].join('\n');
    const r = cli(['scrub'], input);
    assert.equal(r.code, 0);
    const [json, textLine] = r.out.split('\n');
    const obj = JSON.parse(json!);
    assert.equal(obj.headers.Authorization, '[REDACTED]');
    assert.equal(obj.email, '[email_redacted]');
    assert.equal(obj.id, 632910392);
    assert.equal(textLine, 'call [phone_redacted] about order #1001 with [REDACTED]');
    assert.equal(cli(['scrub', 'extra']).code, 2);
  });

  it('assess: one verdict per operation and the 3-delete alert at the third delete', () => {
    const ops = [
      { method: 'GET', url: `${shop}/products.json`, status: 200 },
      { method: 'PUT', url: `${shop}/variants/808950810.json`, status: 200, body: { variant: { price: '9.99' } } },
      { method: 'DELETE', url: `${shop}/products/1.json`, status: 200 },
      {
        method: 'POST',
        url: `${shop}/graphql.json`,
        status: 200,
        body: { query: 'mutation { productDelete(input: {id: "gid://shopify/Product/2"}) { deletedProductId } }' },
      },
      { method: 'DELETE', url: `${shop}/products/3.json`, status: 200 },
      { method: 'GET', url: 'https://graph.facebook.com/v23.0/act_123/campaigns', status: 200 },
    ];
    const r = cli(['assess'], ops.map((o) => JSON.stringify(o)).join('\n') + '\n');
    assert.equal(r.code, 0, r.err);
    const out = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(out.length, 6);
    for (const o of out) for (const k of ['platform', 'endpoint', 'operation', 'risk_level', 'rules', 'alerts']) assert.ok(k in o, k);
    assert.equal(out[0].risk_level, 0);
    assert.equal(out[1].risk_level, 2);
    assert.equal(out[2].endpoint, '/admin/api/{version}/products/{id}.json');
    assert.equal(out[3].operation, 'mutation productDelete');
    assert.deepEqual(out[3].alerts, []);
    assert.equal(out[4].alerts[0].rule, 'consecutive_deletes');
    assert.equal(out[4].alerts[0].severity, 'critical');
    assert.deepEqual(out[4].alerts[0].ops, [3, 4, 5]);
    assert.equal(out[5].platform, 'meta');
    assert.equal(out[5].endpoint, '/{version}/act_{id}/campaigns');
  });

  it('assess: a bad line gives a specific error, the rest still run, exit 1', () => {
    const r = cli(
      ['assess'],
      `{"method":"GET","url":"${shop}/shop.json"}\nnot json\n{"method":"POST","url":"${shop}/graphql.json","body":{"query":"mutation {"}}\n{"url":"x"}\n`,
    );
    assert.equal(r.code, 1);
    const out = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(out.length, 4);
    assert.equal(out[0].risk_level, 0);
    assert.match(out[1].error, /not JSON/);
    assert.match(out[2].error, /GraphQL/i);
    assert.match(out[3].error, /method/);
  });

  it('audit: table, --json, --csv, filters, alerts and usage errors', async () => {
    const dataDir = tempDir();
    const store = AuditStore.open({ dataDir, instanceId: newId() });
    const base: Omit<AuditEvent, 'id' | 'ts' | 'method' | 'risk_level' | 'platform' | 'outcome'> = {
      session_id: 's1',
      instance_id: 'i1',
      client: 'test/1',
      tool: 'shopify_rest',
      target: 'demo.myshopify.com',
      endpoint: '/admin/api/{version}/products/{id}.json',
      operation: null,
      v: 2,
      action: 'read',
      categories: [],
      status: 200,
      latency_ms: 1.5,
      rules: [],
      error: null,
      pii: { email: 0, phone: 0, card: 0, secret: 0 },
      usage: null,
    };
    const t0 = Date.now() - 60_000;
    const rows: AuditEvent[] = [
      { ...base, id: newId(), ts: t0, method: 'GET', risk_level: 0, platform: 'shopify', outcome: 'forwarded' },
      {
        ...base,
        id: newId(),
        ts: t0 + 1,
        method: 'DELETE',
        risk_level: 3,
        platform: 'shopify',
        outcome: 'forwarded',
        rules: ['shopify.product.delete'],
      },
      {
        ...base,
        id: newId(),
        ts: t0 + 2,
        method: 'POST',
        risk_level: 2,
        platform: 'meta',
        outcome: 'blocked',
        endpoint: '=cmd|x',
        tool: 'meta_graph',
      },
    ];
    for (const e of rows) store.record(e);
    store.recordAlert({
      v: 2,
      id: newId(),
      ts: t0 + 3,
      session_id: 's1',
      instance_id: 'i1',
      rule: 'consecutive_deletes',
      severity: 'critical',
      message: '3 DELETE calls in a row',
      event_ids: [rows[1]!.id],
    });
    await store.close();

    const table = cli(['audit', '--data-dir', dataDir]);
    assert.equal(table.code, 0);
    assert.equal(table.out.trim().split('\n').length, 3);
    const json = auditEvents(cli(['audit', '--json', '--data-dir', dataDir]).out);
    assert.deepEqual(
      json.map((e) => e.id),
      rows.map((e) => e.id).reverse(),
    );
    assert.deepEqual(json[1]!.rules, ['shopify.product.delete']);
    const risky = cli(['audit', '--json', '--min-risk', '2', '--data-dir', dataDir]).out.trim().split('\n');
    assert.equal(risky.length, 2);
    const metaOnly = cli(['audit', '--json', '--platform', 'meta', '--data-dir', dataDir]).out.trim().split('\n');
    assert.equal(metaOnly.length, 1);
    const csv = cli(['audit', '--csv', '--data-dir', dataDir], '', {}).out.trim().split('\n');
    assert.equal(csv.length, 4);
    assert.match(csv[0]!, /^id,ts,session_id/);
    assert.match(csv[1]!, /'=cmd\|x/, 'formula-looking cells are neutralised');
    const alerts = auditAlerts(cli(['audit', '--alerts', '--json', '--data-dir', dataDir]).out);
    assert.equal(alerts[0]!.rule, 'consecutive_deletes');
    const env = cli(['audit', '--json'], '', { WARDEN_DATA_DIR: dataDir });
    assert.equal(env.out.trim().split('\n').length, 3);
    for (const bad of [['--min-risk', '7'], ['--platform', 'x'], ['--json', '--csv'], ['--since', 'yesterday-ish'], ['--nope']]) {
      const r = cli(['audit', ...bad, '--data-dir', dataDir]);
      assert.equal(r.code, 2, bad.join(' '));
      assert.equal(r.err.trim().split('\n').length, 1);
    }
  });

  it('user rules from the data dir apply, and a bad rule is named while the rest load', () => {
    const dataDir = tempDir();
    writeFileSync(
      join(dataDir, 'rules.json'),
      JSON.stringify({
        rules: [
          {
            id: 'custom.giftcards',
            platform: 'shopify',
            match: { method: 'GET', path: '/admin/api/{version}/gift_cards.json' },
            level: 2,
            label: 'Gift cards read',
            category: 'giftcard',
          },
          { id: 'custom.broken', platform: 'shopify', match: {}, level: 9, label: 'x', category: 'x' },
        ],
      }),
    );
    const r = cli(['assess', '--data-dir', dataDir], JSON.stringify({ method: 'GET', url: `${shop}/gift_cards.json` }) + '\n');
    assert.equal(r.code, 0);
    const out = JSON.parse(r.out);
    assert.ok(out.rules.includes('custom.giftcards'));
    assert.equal(out.risk_level, 2);
    assert.match(r.err, /custom\.broken/);
  });
});
