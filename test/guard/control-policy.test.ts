// Policy decisions under a pause (writes: reads pass, writes and deletes are refused with who,
// when, why and how to resume; all: everything is refused), WARDEN_AUTO_PAUSE validation, and
// the guard's ControlWatcher: a critical alert pauses writes in memory at once and in the file.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RiskResult } from '../../core/types.ts';
import { ConfigError, loadConfig } from '../../guard-server/config.ts';
import { ControlWatcher, type ControlState } from '../../guard-server/control.ts';
import { decide, localTime, RESUME_HINT } from '../../guard-server/policy.ts';
import type { Pause } from '../../store/control/control-file.ts';
import { tempDir } from '../helpers/guard.ts';

const risk = (action: RiskResult['action'], risk_level: RiskResult['risk_level'] = action === 'read' ? 0 : 3): RiskResult => ({
  risk_level,
  rules: [],
  labels: [],
  categories: [],
  action,
});

const at = new Date(2026, 0, 5, 14, 2, 30).getTime(); // local 14:02
const state = (pause: Pause | null, policy: ControlState['policy'] = 'monitor') => ({ policy, pause });

describe('policy under a pause', () => {
  it('writes paused: reads pass; writes and deletes are refused with who, when, why and how to resume', () => {
    const s = state({ scope: 'writes', by: 'VS Code', at, reason: '3 deletes in a row' });
    assert.deepEqual(decide(s, risk('read'), at), { kind: 'allow' });
    for (const action of ['write', 'delete'] as const) {
      const d = decide(s, risk(action, 1), at);
      assert.equal(d.kind, 'block', action);
      assert.ok(d.kind === 'block');
      assert.equal(
        d.message,
        'Warden paused agent writes in VS Code at 14:02: 3 deletes in a row. Reads still pass. The user resumes with "Warden: Resume Agent Writes" in VS Code or `warden-guard control resume`.',
      );
      assert.equal(d.reason, 'agent writes paused in VS Code at 14:02: 3 deletes in a row');
    }
  });

  it('writes paused from the CLI in confirm mode: reads pass without asking, writes are refused (the pause comes before confirm)', () => {
    const s = state({ scope: 'writes', by: 'CLI', at, reason: '' }, 'confirm');
    assert.equal(decide(s, risk('read'), at).kind, 'allow');
    const d = decide(s, risk('write', 2), at);
    assert.ok(d.kind === 'block');
    assert.equal(d.message, `Warden paused agent writes from the command line at 14:02. Reads still pass. ${RESUME_HINT}`);
  });

  it('everything paused: reads are refused too', () => {
    const s = state({ scope: 'all', by: 'auto-pause', at, reason: '3 delete calls in a row (product).' });
    const d = decide(s, risk('read'), at);
    assert.ok(d.kind === 'block');
    assert.equal(
      d.message,
      `Warden paused all agent calls automatically after a critical alert at 14:02: 3 delete calls in a row (product). Nothing reaches the API, reads included. ${RESUME_HINT}`,
    );
    assert.equal(decide(s, risk('delete'), at).kind, 'block');
  });

  it('a version-1 pause says it came from the control file; another day shows the date', () => {
    const d = decide(state({ scope: 'all', by: 'control file', at, reason: '' }), risk('read'), at + 86_400_000);
    assert.ok(d.kind === 'block');
    assert.match(d.message!, /^Warden paused all agent calls through the control file at 14:02 on 2026-01-05\. /);
    assert.equal(localTime(at, at), 'at 14:02');
  });

  it('reasons and names are scrubbed: no secret or customer datum reaches the agent', () => {
    const s = state({
      scope: 'writes',
      by: 'ops jane@example.com',
      at,
      reason: 'token shpat_0123456789abcdef0123456789abcdef leaked, call +44 20 7946 0958',
    });
    const d = decide(s, risk('write'), at);
    assert.ok(d.kind === 'block');
    assert.doesNotMatch(d.message!, /shpat_|jane@|7946/);
    assert.match(d.message!, /in ops \[email_redacted\] at 14:02: token \[REDACTED\] leaked, call \[phone_redacted\]\./);
  });

  it('no pause: the modes decide as before', () => {
    assert.equal(decide(state(null, 'block'), risk('delete', 3)).kind, 'block');
    assert.equal(decide(state(null, 'block'), risk('write', 2)).kind, 'allow');
    assert.equal(decide(state(null, 'confirm'), risk('write', 2)).kind, 'confirm');
    assert.equal(decide(state(null, 'monitor'), risk('delete', 3)).kind, 'allow');
  });
});

describe('WARDEN_AUTO_PAUSE', () => {
  it('accepts on/off/true/false/1/0 (any case), defaults to on, and rejects anything else specifically', () => {
    const base = { WARDEN_DATA_DIR: tempDir() };
    assert.equal(loadConfig(base).autoPause, true);
    assert.equal(loadConfig({ ...base, WARDEN_AUTO_PAUSE: '' }).autoPause, true);
    for (const v of ['on', 'ON', 'true', '1', ' On ']) assert.equal(loadConfig({ ...base, WARDEN_AUTO_PAUSE: v }).autoPause, true, v);
    for (const v of ['off', 'Off', 'false', '0']) assert.equal(loadConfig({ ...base, WARDEN_AUTO_PAUSE: v }).autoPause, false, v);
    assert.throws(
      () => loadConfig({ ...base, WARDEN_AUTO_PAUSE: 'sometimes' }),
      (e: Error) => e instanceof ConfigError && e.message === 'WARDEN_AUTO_PAUSE must be on or off (or true/false, 1/0), got "sometimes"',
    );
  });
});

describe('ControlWatcher auto-pause', () => {
  it('pauses writes in memory and in the file, keeps the first pause, and respects both off switches', () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const w = new ControlWatcher(dir, 'monitor', (m) => warnings.push(m));
    assert.equal(w.autoPauseWrites('3 delete calls in a row', 'A1'), true);
    assert.equal(w.state.pause?.scope, 'writes');
    assert.equal(w.state.pause?.by, 'auto-pause');
    const file = JSON.parse(readFileSync(join(dir, 'control.json'), 'utf8'));
    assert.deepEqual(
      { scope: file.pause.scope, by: file.pause.by, reason: file.pause.reason, alert_id: file.pause.alert_id },
      { scope: 'writes', by: 'auto-pause', reason: '3 delete calls in a row', alert_id: 'A1' },
    );
    assert.equal(w.autoPauseWrites('another', 'A2'), false, 'already paused: the first who/why stays');
    assert.equal(w.state.pause?.alert_id, 'A1');

    const off = new ControlWatcher(tempDir(), 'monitor', () => {}, { autoPause: false });
    assert.equal(off.autoPauseWrites('x', 'A3'), false);
    assert.equal(off.state.pause, null);

    const dir2 = tempDir();
    writeFileSync(join(dir2, 'control.json'), JSON.stringify({ version: 2, pause: null, auto_pause: false }));
    const fileOff = new ControlWatcher(dir2, 'monitor', () => {});
    assert.equal(fileOff.autoPauseWrites('x', 'A4'), false);
    assert.equal(fileOff.state.pause, null);
    assert.deepEqual(warnings, []);
  });

  it('when the file cannot be written (a newer version), this guard still pauses, and says so', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'control.json'), JSON.stringify({ version: 3, pause: null, future: true }));
    const warnings: string[] = [];
    const w = new ControlWatcher(dir, 'monitor', (m) => warnings.push(m));
    assert.equal(w.autoPauseWrites('2 responses in a row were 429 Too Many Requests', 'A5'), true);
    assert.equal(w.state.pause?.scope, 'writes');
    w.refresh();
    assert.equal(w.state.pause?.scope, 'writes', 'kept until the file changes');
    assert.ok(warnings.some((m) => /could not write control\.json .*newer Warden.*paused in this guard only/.test(m)));
  });
});
