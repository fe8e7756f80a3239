// A guard that cannot start leaves its reason in the data dir for the editor window that
// launched it (the extension never sees the guard's stderr), scrubbed, and still exits 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GUARD_ERRORS_DIR, pruneGuardStartErrors, readGuardStartError } from '../../store/guard-errors.ts';
import { GUARD, tempDir } from '../helpers/guard.ts';

const CANARY = 'shpat_c4na7yc4na7yc4na7yc4na7yc4na7y00';

function startGuard(env: Record<string, string>) {
  return spawnSync(process.execPath, [GUARD], { env: { PATH: process.env.PATH ?? '', ...env }, input: '', encoding: 'utf8' });
}

describe('a guard that cannot start', () => {
  it('exits 2 and leaves its reason, under its instance id, for the extension', () => {
    const dataDir = tempDir();
    const since = Date.now();
    const r = startGuard({ WARDEN_DATA_DIR: dataDir, WARDEN_INSTANCE_ID: 'vscode-window1', WARDEN_POLICY: 'strict' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /WARDEN_POLICY must be monitor, confirm or block/);
    const note = readGuardStartError(dataDir, 'vscode-window1', since);
    assert.ok(note, 'a note for this instance');
    assert.match(note.message, /WARDEN_POLICY must be monitor, confirm or block/);
    assert.equal(note.instance_id, 'vscode-window1');
    assert.equal(readGuardStartError(dataDir, 'vscode-other', since), null, 'another window sees nothing');
    assert.equal(readGuardStartError(dataDir, 'vscode-window1', Date.now() + 1000), null, 'an older note is not news');
  });

  it('never writes a secret into the note, even one pasted into the wrong variable', () => {
    const dataDir = tempDir();
    const r = startGuard({ WARDEN_DATA_DIR: dataDir, WARDEN_INSTANCE_ID: 'vscode-w2', WARDEN_POLICY: CANARY });
    assert.equal(r.status, 2);
    assert.ok(!r.stderr.includes(CANARY.slice(0, 16)), `stderr: ${r.stderr}`);
    const files = readdirSync(join(dataDir, GUARD_ERRORS_DIR));
    assert.equal(files.length, 1);
    const text = readFileSync(join(dataDir, GUARD_ERRORS_DIR, files[0]!), 'utf8');
    assert.ok(!text.includes(CANARY.slice(0, 16)), text);
  });

  it('notes are pruned after a day', () => {
    const dataDir = tempDir();
    startGuard({ WARDEN_DATA_DIR: dataDir, WARDEN_INSTANCE_ID: 'vscode-w3', WARDEN_POLICY: 'x' });
    pruneGuardStartErrors(dataDir, Date.now());
    assert.equal(readdirSync(join(dataDir, GUARD_ERRORS_DIR)).length, 1);
    pruneGuardStartErrors(dataDir, Date.now() + 25 * 60 * 60 * 1000);
    assert.equal(readdirSync(join(dataDir, GUARD_ERRORS_DIR)).length, 0);
  });
});
