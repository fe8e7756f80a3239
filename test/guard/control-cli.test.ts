// `warden-guard control` (the built CLI): outputs, the file it writes, exit codes (0 ok, 1 the
// control file cannot be read or is newer, 2 bad usage) with a one-line reason on stderr.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GUARD, tempDir } from '../helpers/guard.ts';

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [GUARD, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const control = (dataDir: string, ...args: string[]) => cli(['control', ...args, '--data-dir', dataDir]);
const fileOf = (dataDir: string) => JSON.parse(readFileSync(join(dataDir, 'control.json'), 'utf8'));

describe('warden-guard control', () => {
  it('help: the main help lists control; control and each command have --help (exit 0)', () => {
    assert.match(cli(['--help']).out, /warden-guard control \.\.\./);
    assert.match(cli(['--help']).out, /WARDEN_AUTO_PAUSE/);
    const h = cli(['control', '--help']);
    assert.equal(h.code, 0);
    for (const c of ['pause --writes|--all', 'resume', 'policy monitor|confirm|block', 'auto-pause on|off', 'status [--json]'])
      assert.ok(h.out.includes(c), c);
    for (const c of ['pause', 'resume', 'policy', 'auto-pause', 'status']) {
      const r = cli(['control', c, '--help']);
      assert.equal(r.code, 0, c);
      assert.match(r.out, new RegExp(`^Usage: warden-guard control ${c}`));
    }
  });

  it('pause, status, policy, auto-pause, resume: what they print and write', () => {
    const dataDir = tempDir();
    const none = control(dataDir, 'status');
    assert.equal(none.code, 0);
    assert.match(
      none.out,
      /\(none yet: defaults apply\)\nPolicy: +each guard's WARDEN_POLICY \(default monitor\)\nPause: +none\nAuto-pause: +on \(default\)/,
    );

    const p = control(dataDir, 'pause', '--writes', '--reason', 'stock count, ask ops@example.com');
    assert.equal(p.code, 0, p.err);
    assert.equal(
      p.out,
      `Paused agent writes (reads still pass) in every guard on ${dataDir}. Resume with \`warden-guard control resume\`.\n`,
    );
    assert.equal(p.err, '');
    const f = fileOf(dataDir);
    assert.equal(f.version, 2);
    assert.deepEqual({ ...f.pause, at: 0 }, { scope: 'writes', by: 'CLI', at: 0, reason: 'stock count, ask [email_redacted]' });
    assert.ok(Math.abs(f.pause.at - Date.now()) < 60_000);
    assert.equal(f.updated_by, 'CLI');
    if (process.platform !== 'win32') assert.equal(statSync(join(dataDir, 'control.json')).mode & 0o777, 0o600);

    const s = control(dataDir, 'status');
    assert.equal(s.code, 0);
    assert.match(
      s.out,
      /Pause: +agent writes \(reads still pass\) — by CLI at \d\d:\d\d: stock count, ask \[email_redacted\]\n +resume with `warden-guard control resume`/,
    );
    const j = control(dataDir, 'status', '--json');
    assert.equal(j.code, 0);
    const json = JSON.parse(j.out);
    assert.equal(json.ok, true);
    assert.equal(json.version, 2);
    assert.equal(json.pause.scope, 'writes');
    assert.equal(json.policy, null);
    assert.equal(json.auto_pause, null);

    assert.equal(control(dataDir, 'policy', 'confirm').out, `Policy set to confirm in every guard on ${dataDir}.\n`);
    assert.equal(control(dataDir, 'auto-pause', 'off').out, `Auto-pause off for every guard on ${dataDir}.\n`);
    const all = control(dataDir, 'pause', '--all');
    assert.match(all.out, /^Paused every agent call in every guard on /);
    assert.equal(fileOf(dataDir).pause.scope, 'all');
    assert.equal(fileOf(dataDir).pause.reason, '');
    assert.equal(control(dataDir, 'resume').out, `Resumed: agent calls pass again in every guard on ${dataDir}.\n`);
    const end = fileOf(dataDir);
    assert.deepEqual([end.pause, end.policy, end.auto_pause], [null, 'confirm', false]);
    assert.match(control(dataDir, 'status').out, /Policy: +confirm\nPause: +none\nAuto-pause: +off for every guard/);
    assert.equal(control(dataDir, 'policy', '--clear').code, 0);
    assert.equal(fileOf(dataDir).policy, undefined);

    // WARDEN_DATA_DIR is the default data dir, as for the other commands.
    assert.equal(cli(['control', 'status', '--json'], { WARDEN_DATA_DIR: dataDir }).code, 0);
    assert.equal(JSON.parse(cli(['control', 'status', '--json'], { WARDEN_DATA_DIR: dataDir }).out).auto_pause, false);
  });

  it('bad usage exits 2 with a one-line reason and changes nothing', () => {
    const dataDir = tempDir();
    const cases: [string[], RegExp][] = [
      [[], /control needs a command/],
      [['frobnicate'], /unknown control command "frobnicate"/],
      [['pause'], /one of --writes and --all/],
      [['pause', '--writes', '--all'], /one of --writes and --all/],
      [['pause', '--writes', 'now'], /control pause takes --writes or --all/],
      [['pause', '--writes', '--reason', 'x'.repeat(301)], /at most 300 characters/],
      [['pause', '--writes', '--reason', 'two\nlines'], /one line/],
      [['pause', '--writes', '--json'], /control pause does not take --json/],
      [['policy'], /takes one of monitor, confirm or block/],
      [['policy', 'lenient'], /takes monitor, confirm or block, got "lenient"/],
      [['auto-pause', 'maybe'], /takes on or off, got "maybe"/],
      [['resume', '--all'], /control resume does not take --all/],
      [['status', '--nope'], /Unknown option '--nope'/],
    ];
    for (const [args, reason] of cases) {
      const r = control(dataDir, ...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.err.trim().split('\n').length, 1, args.join(' '));
      assert.match(r.err, reason, args.join(' '));
      assert.equal(r.out, '');
    }
    assert.equal(cli(['control', 'status', '--data-dir']).code, 2);
    assert.equal(control(dataDir, 'status', '--json').out.includes('"exists":false'), true, 'nothing was written');
  });

  it('a broken file: status exits 1 with the reason; a change replaces it and says so', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'control.json'), '{ broken');
    const s = control(dataDir, 'status');
    assert.equal(s.code, 1);
    assert.match(s.err, /^warden-guard: .*control\.json is not valid JSON; guards keep their last good state\n$/);
    const j = control(dataDir, 'status', '--json');
    assert.equal(j.code, 1);
    assert.equal(JSON.parse(j.out).ok, false);
    const p = control(dataDir, 'pause', '--writes');
    assert.equal(p.code, 0);
    assert.match(p.err, /control\.json could not be read; it has been replaced\n$/);
    assert.equal(fileOf(dataDir).pause.scope, 'writes');
  });

  it('a version-1 file is shown and converted; a newer file is shown but never rewritten (exit 1)', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'control.json'), '{"paused": true, "policy": "block"}');
    const s = control(dataDir, 'status');
    assert.equal(s.code, 0);
    assert.match(s.out, /Note: version 1 file/);
    assert.match(s.out, /Policy: +block\nPause: +everything — by control file at \d\d:\d\d/);
    assert.equal(control(dataDir, 'resume').code, 0);
    assert.deepEqual([fileOf(dataDir).version, fileOf(dataDir).pause, fileOf(dataDir).policy], [2, null, 'block']);

    const newer = JSON.stringify({ version: 3, policy: 'block', pause: null, later: true });
    writeFileSync(join(dataDir, 'control.json'), newer);
    const st = control(dataDir, 'status', '--json');
    assert.equal(st.code, 0);
    assert.equal(JSON.parse(st.out).version, 3);
    assert.match(JSON.parse(st.out).note, /newer Warden \(version 3\)/);
    const r = control(dataDir, 'pause', '--writes');
    assert.equal(r.code, 1);
    assert.match(r.err, /^warden-guard: .*control\.json was written by a newer Warden \(version 3\); change it with that version/);
    assert.equal(r.err.trim().split('\n').length, 1);
    assert.equal(readFileSync(join(dataDir, 'control.json'), 'utf8'), newer);
  });
});
