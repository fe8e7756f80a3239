import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import { isPidAlive, StoreLock } from '../../store/writer/lock.ts';
import { tempDataDir } from './helpers.ts';

const run = promisify(execFile);
const tmp = tempDataDir();
after(() => tmp.cleanup());

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  assert.ok(r.pid && !isPidAlive(r.pid));
  return r.pid;
}

function writeLock(dir: string, pid: number, ageMs = 0): void {
  const path = join(dir, 'store.lock');
  writeFileSync(path, JSON.stringify({ pid, host: hostname(), token: 'someone', ts: Date.now() }));
  const t = new Date(Date.now() - ageMs);
  utimesSync(path, t, t);
}

test('one holder at a time; release frees the lock', () => {
  const a = new StoreLock(tmp.dir);
  const b = new StoreLock(tmp.dir);
  assert.equal(a.tryAcquire(), true);
  assert.equal(b.tryAcquire(), false, 'held by a live process with a fresh heartbeat');
  assert.equal(a.verify(), true);
  a.release();
  assert.equal(b.tryAcquire(), true);
  assert.equal(a.verify(), false);
  b.release();
});

test('a lock whose process is dead is taken over', () => {
  writeLock(tmp.dir, deadPid());
  const l = new StoreLock(tmp.dir);
  assert.equal(l.tryAcquire(), true);
  assert.equal(JSON.parse(readFileSync(l.path, 'utf8')).pid, process.pid);
  l.release();
});

test('a lock of a live process is taken over only when its heartbeat is old', () => {
  writeLock(tmp.dir, process.ppid, 1_000);
  const l = new StoreLock(tmp.dir);
  assert.equal(l.tryAcquire(), false);
  writeLock(tmp.dir, process.ppid, 60_000);
  assert.equal(l.tryAcquire(), true);
  l.release();
});

test('a holder whose lock was taken over notices before saving', () => {
  const holder = new StoreLock(tmp.dir);
  assert.equal(holder.tryAcquire(), true);
  const old = new Date(Date.now() - 60_000);
  utimesSync(holder.path, old, old); // e.g. the machine slept
  const other = new StoreLock(tmp.dir);
  assert.equal(other.tryAcquire(), true);
  assert.equal(holder.verify(), false);
  assert.equal(holder.held, false);
  holder.release(); // must not remove the new holder's lock
  assert.equal(other.verify(), true);
  other.release();
});

test('contenders racing to break one stale lock: exactly one wins', async () => {
  const fixture = join(import.meta.dirname, 'fixtures', 'lock-contender.ts');
  for (let round = 0; round < 2; round++) {
    writeLock(tmp.dir, deadPid());
    const startAt = Date.now() + 1_500;
    const barrier = join(tmp.dir, `barrier-${round}`);
    const results = await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, ['--import', 'tsx', fixture, tmp.dir, String(startAt), barrier, '4'])),
    );
    const won = results.filter((r) => r.stdout.trim() === 'won').length;
    assert.equal(won, 1, `round ${round}: ${results.map((r) => r.stdout.trim()).join(',')}`);
  }
});
