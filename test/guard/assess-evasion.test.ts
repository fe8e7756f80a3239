// Issue 7 through `warden-guard assess`: the CLI replays a session through the same effective
// operation as the live guard — overrides in headers or parameters, Meta batches item by item,
// canonical paths, unreadable requests flagged as the guard would refuse them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { GUARD } from '../helpers/guard.ts';

function assess(ops: object[]) {
  const r = spawnSync(process.execPath, [GUARD, 'assess'], {
    input: ops.map((o) => JSON.stringify(o)).join('\n') + '\n',
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as {
          method: string;
          endpoint: string;
          operation: string | null;
          action: string;
          risk_level: number;
          refused?: string;
          alerts: { rule: string; ops: number[] }[];
        },
    );
}

const M = 'https://graph.facebook.com';

describe('warden-guard assess: the effective operation', () => {
  it('scores overrides as what they do, a batch item by item, and alerts on spelled deletes', () => {
    const out = assess([
      { method: 'POST', url: 'https://api.example.com/v1/items/1', headers: { 'X-HTTP-Method-Override': 'DELETE' }, status: 200 },
      { method: 'GET', url: `${M}/v21.0/120210000000001?method=delete`, status: 200 },
      {
        method: 'POST',
        url: `${M}/`,
        body: {
          batch: JSON.stringify([
            { method: 'DELETE', relative_url: '1' },
            { method: 'DELETE', relative_url: 'me/adaccounts' },
          ]),
        },
        status: 200,
      },
      { method: 'DELETE', url: `${M}/v21.0/act_1%2Fcampaigns` },
      { method: 'POST', url: 'https://demo.myshopify.com/ADMIN//webhooks.json.', body: { webhook: {} } },
    ]);
    assert.deepEqual(
      out.map((o) => [o.method, o.action, o.risk_level]),
      [
        ['DELETE', 'delete', 3],
        ['DELETE', 'delete', 3],
        ['DELETE', 'delete', 3],
        ['DELETE', 'delete', 3],
        ['POST', 'write', 3],
      ],
    );
    assert.equal(out[2]!.operation, 'batch DELETE /{version}/{id},DELETE /{version}/{id}/adaccounts');
    // Per platform: the generic delete does not join the Meta run; the batch's two deletes do.
    assert.deepEqual(
      out[2]!.alerts.map((a) => [a.rule, a.ops]),
      [['consecutive_deletes', [2, 3]]],
    );
    assert.match(out[3]!.refused ?? '', /encoded/);
    assert.equal(out[4]!.endpoint, '/admin/api/{version}/webhooks.json');
  });
});
