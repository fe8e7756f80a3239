// Alert notifications: which window shows one (decide.ts), once across windows (claims.ts),
// and the text and actions (the contract's "Show in Audit Log" / "Pause Agent Writes").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyControlFile } from '../../store/control/index.ts';
import { CLAIM_DIR, claimAlert, pruneClaims } from '../../extension/src/notify/claims.ts';
import { ACTION_PAUSE, ACTION_RESUME, ACTION_SHOW, alertMessage, notificationRole } from '../../extension/src/notify/decide.ts';

const me = 'vscode-me';

describe('which window notifies', () => {
  it('own critical alerts at once; foreign ones only in the focused window, after a short delay', () => {
    assert.deepEqual(notificationRole({ severity: 'critical', instance_id: me }, { instanceId: me, focused: false, level: 'critical' }), {
      show: true,
      delayMs: 0,
    });
    const foreignFocused = notificationRole(
      { severity: 'critical', instance_id: 'claude' },
      { instanceId: me, focused: true, level: 'critical' },
    );
    assert.ok(foreignFocused.show && foreignFocused.delayMs > 0);
    assert.deepEqual(
      notificationRole({ severity: 'critical', instance_id: 'claude' }, { instanceId: me, focused: false, level: 'critical' }),
      { show: false },
    );
  });

  it('the level setting filters warnings and silences everything at none', () => {
    const warn = { severity: 'warning' as const, instance_id: me };
    assert.equal(notificationRole(warn, { instanceId: me, focused: true, level: 'critical' }).show, false);
    assert.equal(notificationRole(warn, { instanceId: me, focused: true, level: 'warning' }).show, true);
    assert.equal(notificationRole({ severity: 'critical', instance_id: me }, { instanceId: me, focused: true, level: 'none' }).show, false);
  });

  it('names what happened and offers Pause, or Resume when the guard already paused', () => {
    const alert = { message: '3 deletes in a row', rule: 'consecutive_deletes', event_ids: ['a', 'b', 'c'] };
    const open = alertMessage(alert, emptyControlFile());
    assert.equal(open.text, 'Warden: 3 deletes in a row');
    assert.deepEqual(open.actions, [ACTION_SHOW, ACTION_PAUSE]);
    assert.equal(ACTION_SHOW, 'Show in Audit Log');
    assert.equal(ACTION_PAUSE, 'Pause Agent Writes');
    const paused = alertMessage(alert, {
      ...emptyControlFile(),
      pause: { scope: 'writes', by: 'auto-pause', at: 1, reason: '', alert_id: 'x' },
    });
    assert.match(paused.text, /^Warden: 3 deletes in a row — agent writes are paused$/);
    assert.deepEqual(paused.actions, [ACTION_SHOW, ACTION_RESUME]);
    assert.equal(alertMessage({ ...alert, message: 'two\nlines' }, null).text, 'Warden: two lines');
  });
});

describe('claims: once across windows', () => {
  it('only the first claim of an alert succeeds; unsafe ids never become file names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-claim-'));
    try {
      assert.equal(claimAlert(dir, '01JALERT000000000000000001'), true);
      assert.equal(claimAlert(dir, '01JALERT000000000000000001'), false);
      assert.equal(claimAlert(dir, '01JALERT000000000000000002'), true);
      assert.equal(claimAlert(dir, '../escape'), false);
      assert.deepEqual(readdirSync(join(dir, CLAIM_DIR)).sort(), ['01JALERT000000000000000001', '01JALERT000000000000000002']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('claims older than a day are pruned, newer ones kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-claim-'));
    try {
      claimAlert(dir, 'old');
      claimAlert(dir, 'new');
      const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
      utimesSync(join(dir, CLAIM_DIR, 'old'), twoDaysAgo, twoDaysAgo);
      assert.equal(pruneClaims(dir), 1);
      assert.deepEqual(readdirSync(join(dir, CLAIM_DIR)), ['new']);
      assert.equal(pruneClaims(join(dir, 'missing')), 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
