// The data dir is resolved once for the guard, the CLI and the extension.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../guard-server/config.ts';
import { resolveDataDir } from '../../store/data-dir.ts';
import { GUARD } from '../helpers/guard.ts';

describe('data dir', () => {
  it('an explicit folder wins, then WARDEN_DATA_DIR, then ~/.warden; empty or blank means unset', () => {
    assert.equal(resolveDataDir('/x', { WARDEN_DATA_DIR: '/y' }), '/x');
    assert.equal(resolveDataDir(null, { WARDEN_DATA_DIR: '/y' }), '/y');
    assert.equal(resolveDataDir(null, {}), join(homedir(), '.warden'));
    assert.equal(resolveDataDir('', { WARDEN_DATA_DIR: '' }), join(homedir(), '.warden'));
    assert.equal(resolveDataDir(null, { WARDEN_DATA_DIR: '   ' }), join(homedir(), '.warden'));
    assert.equal(resolveDataDir(null, { WARDEN_DATA_DIR: '~/audit' }), join(homedir(), 'audit'));
    assert.equal(resolveDataDir('rel/dir', {}), resolve('rel/dir'));
  });

  it('the guard and the CLI agree when WARDEN_DATA_DIR is empty', () => {
    const home = mkdtempSync(join(tmpdir(), 'warden-home-'));
    mkdirSync(join(home, '.warden'));
    const cwd = mkdtempSync(join(tmpdir(), 'warden-cwd-'));
    const env = { ...process.env, HOME: home, WARDEN_DATA_DIR: '' };
    const r = spawnSync(process.execPath, [GUARD, 'audit'], { cwd, env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`${join(home, '.warden').replace(/[.]/g, '\\.')}`), 'the CLI reads ~/.warden');
    assert.equal(loadConfig({ WARDEN_DATA_DIR: '' }).dataDir, join(homedir(), '.warden'), 'the guard reads ~/.warden');
  });
});
