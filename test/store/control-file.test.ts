// The control file contract (store/control/control-file.ts): version 1 files still read,
// a broken or partly-unknown newer file keeps the last good state, the writer replaces the file
// atomically (never a torn read), never rewrites a newer file, and the per-call change check
// costs one stat().
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CONTROL_FILE_VERSION,
  ControlFileNewerError,
  ControlFileReader,
  parseControlFile,
  readControlFile,
  updateControlFile,
  writeControlFile,
  type ControlFile,
} from '../../store/control/index.ts';
import { tempDir } from '../helpers/guard.ts';

const file = (dir: string) => join(dir, 'control.json');
/** Through a function, so TypeScript does not keep an earlier assertion's narrowing of `current`. */
const scopeOf = (r: ControlFileReader) => r.current.pause?.scope;

function v2(extra: Partial<ControlFile> = {}): ControlFile {
  return { version: 2, pause: null, updated_at: 1_000, updated_by: 'test', ...extra };
}

describe('control file: parsing', () => {
  it('reads version 1 files: paused true pauses everything, policy is kept, paused false is not paused', () => {
    const paused = parseControlFile('{"paused": true}', 1_767_000_000_000);
    assert.ok(paused.ok);
    assert.equal(paused.declaredVersion, 1);
    assert.deepEqual(paused.file.pause, { scope: 'all', by: 'control file', at: 1_767_000_000_000, reason: '' });
    assert.equal(paused.file.policy, undefined);

    const block = parseControlFile('{"policy": "block"}');
    assert.ok(block.ok);
    assert.equal(block.file.policy, 'block');
    assert.equal(block.file.pause, null);

    const both = parseControlFile('{"paused": false, "policy": "confirm"}');
    assert.ok(both.ok);
    assert.equal(both.file.pause, null);
    assert.equal(both.file.policy, 'confirm');

    assert.equal(parseControlFile('{"paused": "yes"}').ok, false);
    assert.equal(parseControlFile('{"policy": "lenient"}').ok, false);
  });

  it('reads version 2 and rejects what does not validate', () => {
    const ok = parseControlFile(
      JSON.stringify(v2({ policy: 'confirm', auto_pause: false, pause: { scope: 'writes', by: 'VS Code', at: 5, reason: 'r' } })),
    );
    assert.ok(ok.ok);
    assert.equal(ok.file.pause?.scope, 'writes');
    assert.equal(ok.file.auto_pause, false);
    for (const bad of [
      '{ broken',
      '[1]',
      'null',
      '{"version": "2"}',
      '{"version": 1}',
      '{"version": 2, "pause": {"scope": "reads", "by": "x", "at": 1}}',
      '{"version": 2, "pause": {"scope": "all", "by": "", "at": 1}}',
      '{"version": 2, "auto_pause": "off"}',
    ]) {
      assert.equal(parseControlFile(bad).ok, false, bad);
    }
  });

  it('a newer version is read as far as its version-2 fields go; if those do not validate it is refused', () => {
    const newer = parseControlFile(
      JSON.stringify({ version: 3, policy: 'block', pause: { scope: 'writes', by: 'VS Code', at: 7, reason: 'x', until: 9 }, snooze: 1 }),
    );
    assert.ok(newer.ok);
    assert.equal(newer.declaredVersion, 3);
    assert.match(newer.note!, /newer Warden \(version 3\)/);
    assert.equal(newer.file.pause?.scope, 'writes', 'a newer pause still stops this version');
    assert.equal(newer.file.policy, 'block');
    const unknownScope = parseControlFile(JSON.stringify({ version: 3, pause: { scope: 'deletes', by: 'VS Code', at: 7 } }));
    assert.equal(unknownScope.ok, false);
    assert.ok(!unknownScope.ok && unknownScope.newer === 3);
    assert.match(!unknownScope.ok ? unknownScope.error : '', /newer Warden \(version 3\)/);
  });
});

describe('control file: tolerant reader', () => {
  it('a broken file keeps the last good state and says so once; a good file is picked up again', () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const reader = new ControlFileReader(dir, (m) => warnings.push(m));
    assert.equal(reader.check(), true, 'first check');
    assert.equal(reader.current.pause, null, 'no file: not paused');
    writeControlFile(dir, v2({ policy: 'block', pause: { scope: 'writes', by: 'CLI', at: 1, reason: 'why' } }));
    assert.equal(reader.check(), true);
    assert.equal(scopeOf(reader), 'writes');

    writeFileSync(file(dir), '{ broken');
    assert.equal(reader.check(), false);
    assert.equal(scopeOf(reader), 'writes', 'kept');
    assert.equal(reader.current.policy, 'block', 'kept');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /control\.json is not valid JSON; keeping the last good state \(policy block, agent writes paused by CLI/);
    reader.check();
    assert.equal(warnings.length, 1, 'warned once for one broken version of the file');

    writeFileSync(file(dir), JSON.stringify({ version: 2, pause: { scope: 'sometimes' } }));
    reader.check();
    assert.equal(scopeOf(reader), 'writes', 'an invalid file keeps it too');
    assert.match(warnings[1]!, /is not a valid control file \(pause\.scope/);

    writeFileSync(file(dir), JSON.stringify({ version: 3, pause: { scope: 'sometimes', by: 'x', at: 1 } }));
    reader.check();
    assert.equal(scopeOf(reader), 'writes', 'an unreadable newer file keeps it too');
    assert.match(warnings[2]!, /newer Warden \(version 3\).*keeping the last good state/);

    writeFileSync(file(dir), JSON.stringify({ version: 4, pause: { scope: 'all', by: 'VS Code', at: 1 }, extra: true }));
    reader.check();
    assert.equal(scopeOf(reader), 'all', 'a newer file with valid version-2 fields is honoured');
    assert.match(warnings[3]!, /newer Warden \(version 4\)/);

    writeFileSync(file(dir), '{"paused": false}');
    assert.equal(reader.check(), true);
    assert.equal(reader.current.pause, null, 'a good version-1 file is picked up');
  });

  it('sees every replacement, even two of the same size within one clock tick, and a deleted file means defaults', () => {
    const dir = tempDir();
    const reader = new ControlFileReader(dir);
    reader.check();
    assert.equal(reader.check(), false, 'nothing changed: no re-read');
    writeControlFile(dir, v2({ policy: 'block', updated_by: 'aaaa' }));
    assert.equal(reader.check(), true);
    const size = statSync(file(dir)).size;
    writeControlFile(dir, v2({ policy: 'block', updated_by: 'bbbb', pause: null }));
    writeControlFile(dir, v2({ policy: 'block', updated_by: 'cccc' }));
    assert.equal(statSync(file(dir)).size, size, 'same size');
    assert.equal(reader.check(), true, 'a rename is a new inode');
    assert.equal(reader.current.updated_by, 'cccc');
    assert.equal(reader.check(), false);
    writeFileSync(file(dir), '', { flag: 'w' });
    reader.check();
    writeFileSync(file(dir), '{}');
    assert.equal(reader.check(), true);
    assert.equal(reader.current.policy, undefined);
  });
});

describe('control file: the atomic writer', () => {
  it('writes version 2 with mode 0600 through a temp file and rename, leaving no temp file', () => {
    const dir = join(tempDir(), 'not-yet');
    writeControlFile(dir, v2({ policy: 'block' }));
    const ino = statSync(file(dir)).ino;
    writeControlFile(dir, v2({ policy: 'monitor' }));
    const st = statSync(file(dir));
    assert.notEqual(st.ino, ino, 'replaced by rename, not rewritten in place');
    if (process.platform !== 'win32') assert.equal(st.mode & 0o777, 0o600);
    assert.deepEqual(
      readdirSync(dir).filter((n) => n !== 'control.json'),
      [],
    );
    const json = JSON.parse(readFileSync(file(dir), 'utf8'));
    assert.equal(json.version, CONTROL_FILE_VERSION);
    assert.equal(json.policy, 'monitor');
    assert.throws(() => writeControlFile(dir, { ...v2(), pause: { scope: 'most' } } as unknown as ControlFile));
    assert.equal(JSON.parse(readFileSync(file(dir), 'utf8')).policy, 'monitor', 'an invalid state is never written');
  });

  it('a reader in another process never sees a torn or empty file while a writer replaces it 300 times', async () => {
    const dir = tempDir();
    writeControlFile(dir, v2({ policy: 'block' }));
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs'); let reads = 0, bad = 0; const end = Date.now() + 60000;
         process.stdin.on('data', () => { console.log(JSON.stringify({ reads, bad })); process.exit(0); });
         (function loop() { for (let i = 0; i < 200; i++) { reads++; try { const j = JSON.parse(fs.readFileSync(${JSON.stringify(file(dir))}, 'utf8')); if (j.version !== 2) bad++; } catch { bad++; } } if (Date.now() < end) setImmediate(loop); })();`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 300; i++) {
      writeControlFile(
        dir,
        v2({
          policy: i % 2 ? 'block' : 'confirm',
          pause: i % 3 ? null : { scope: 'all', by: 'x'.repeat(i % 50 || 1), at: i, reason: 'y'.repeat(i) },
        }),
      );
    }
    child.stdin.write('stop');
    await new Promise((r) => child.on('exit', r));
    const { reads, bad } = JSON.parse(out);
    assert.ok(reads > 300, `reader read ${reads} times`);
    assert.equal(bad, 0, 'every read saw a complete version-2 file');
  });

  it('removes temp files of dead writers; a temp file never changes what readers see', () => {
    const dir = tempDir();
    writeControlFile(dir, v2({ policy: 'block' }));
    // A writer that died between open and rename (pid 2^22+1 is above Linux's pid_max default).
    const stale = join(dir, '.control.json.4194305.deadbeef.tmp');
    writeFileSync(stale, '{"version": 2, "policy": "monitor"');
    const r = readControlFile(dir);
    assert.ok(r.kind === 'present' && r.ok && r.file.policy === 'block');
    writeControlFile(dir, v2({ policy: 'confirm' }));
    assert.equal(existsSync(stale), false);
  });

  it('update: read-modify-write with who and when; a scrubbed reason; auto-pause keeps an existing pause', () => {
    const dir = tempDir();
    const a = updateControlFile(dir, { policy: 'block' }, { by: 'VS Code', now: 10 });
    assert.deepEqual(a.file, { version: 2, policy: 'block', pause: null, updated_at: 10, updated_by: 'VS Code' });
    const b = updateControlFile(
      dir,
      { pause: { scope: 'writes', reason: 'ask jane@example.com, token shpat_0123456789abcdef0123456789abcdef' } },
      { by: 'CLI', now: 20 },
    );
    assert.equal(b.file.policy, 'block', 'other fields kept');
    assert.deepEqual(b.file.pause, { scope: 'writes', by: 'CLI', at: 20, reason: 'ask [email_redacted], token [REDACTED]' });
    const c = updateControlFile(
      dir,
      { pause: { scope: 'writes', reason: 'alert', alert_id: 'A1' } },
      { by: 'auto-pause', now: 30, keepExistingPause: true },
    );
    assert.equal(c.keptPause, true);
    assert.equal(c.file.pause?.by, 'CLI', 'the first who/why stays');
    const d = updateControlFile(dir, { pause: null, auto_pause: false }, { by: 'CLI', now: 40 });
    assert.equal(d.file.pause, null);
    assert.equal(d.file.auto_pause, false);
    const e = updateControlFile(dir, { policy: null, auto_pause: null }, { by: 'CLI', now: 50 });
    assert.equal(e.file.policy, undefined);
    assert.equal(e.file.auto_pause, undefined);
  });

  it('update: converts a version-1 file, replaces a broken one, never rewrites a newer one', () => {
    const dir = tempDir();
    writeFileSync(file(dir), '{"paused": true, "policy": "confirm"}');
    const v1 = updateControlFile(dir, { auto_pause: false }, { by: 'CLI' });
    assert.equal(v1.file.version, 2);
    assert.equal(v1.file.policy, 'confirm');
    assert.equal(v1.file.pause?.scope, 'all', 'the version-1 pause is kept');

    writeFileSync(file(dir), '{ broken');
    const broken = updateControlFile(dir, { pause: null }, { by: 'CLI', fallback: v2({ policy: 'block' }) });
    assert.equal(broken.replacedBroken, true);
    assert.equal(broken.file.policy, 'block', 'the fallback (the last good state) is the base');

    const newer = JSON.stringify({ version: 3, policy: 'block', pause: null, future: { x: 1 } });
    writeFileSync(file(dir), newer);
    assert.throws(() => updateControlFile(dir, { pause: null }, { by: 'CLI' }), ControlFileNewerError);
    writeFileSync(file(dir), JSON.stringify({ version: 3, pause: 'someday' }));
    assert.throws(() => updateControlFile(dir, { pause: null }, { by: 'CLI' }), /newer Warden \(version 3\)/);
    writeFileSync(file(dir), newer);
    try {
      updateControlFile(dir, { pause: null }, { by: 'CLI' });
    } catch {
      // expected
    }
    assert.equal(readFileSync(file(dir), 'utf8'), newer, 'the newer file is untouched');
  });
});
