// The folder worker runs only while there is something to fold and the guard is not serving:
// none at open on a quiet data dir; records start one once the journal has been quiet for
// quietMs, or at once past the backlog bound (records or bytes), and a worker leaves as soon
// as the guard journals again; nothing is lost across these starts and exits; flush() and
// close() start one when none runs and are answered even under a steady stream; journals left
// by another (dead) process are folded at open without any write here.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { AuditEvent } from '../../core/types.ts';
import { AuditStore } from '../../store/writer/audit-store.ts';
import { journalFiles, makeEvent, storedIdCounts, tempDataDir } from './helpers.ts';

const tmps: (() => void)[] = [];
after(() => tmps.forEach((c) => c()));

function dataDir(): string {
  const t = tempDataDir();
  tmps.push(t.cleanup);
  return t.dir;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, pollMs = 20): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(pollMs);
  }
}

async function stored(dir: string, ids: string[]): Promise<boolean> {
  const counts = await storedIdCounts(dir);
  return ids.every((id) => counts.get(id) === 1);
}

/** Another process (this one's pid, so alive) holds store.lock: this store's worker cannot fold. */
function holdLock(dir: string): () => void {
  const path = join(dir, 'store.lock');
  writeFileSync(path, JSON.stringify({ pid: process.pid, host: hostname(), token: 'held-by-test', ts: Date.now() }));
  return () => rmSync(path, { force: true });
}

/** Fast cycles and a short quiet period; the backlog bounds out of reach unless a test sets them. */
const FAST = { foldIntervalMs: 30, idleCycles: 3, quietMs: 120 } as const;

/** Records one event and returns its id. */
function write(store: AuditStore, ids: string[]): void {
  const e = makeEvent();
  ids.push(e.id);
  store.record(e);
}

test('no worker at open on a quiet data dir; a record starts one once the journal is quiet, it folds, then exits', async () => {
  const dir = dataDir();
  const store = AuditStore.open({ dataDir: dir, instanceId: 'lazy', ...FAST });
  await sleep(400); // longer than the start delay for waiting journals and many fold intervals
  assert.equal(store.folderRunning, false, 'no worker while nothing was journaled');
  assert.equal(store.folderStarts, 0);

  const e = makeEvent();
  store.record(e);
  assert.equal(store.folderRunning, false, 'a record alone starts no worker: the journal holds it');
  await until('the record is folded without flush()', () => stored(dir, [e.id]));
  assert.equal(store.folderStarts, 1, 'one worker, started once the journal was quiet');
  await until('the idle worker exits', () => !store.folderRunning, 5_000);
  await sleep(300);
  assert.equal(store.folderRunning, false, 'and stays gone while nothing is journaled');

  // The next write starts a new worker after the quiet period, which folds it and exits again.
  const e2 = makeEvent();
  store.recordIntent({ ...e2, outcome: 'error', error: 'interrupted' });
  store.record(e2);
  await until('the second record is folded without flush()', () => stored(dir, [e2.id]));
  assert.equal(store.folderStarts, 2);
  await until('the worker exits again', () => !store.folderRunning, 5_000);
  await store.close();
  assert.deepEqual(journalFiles(dir), []);
});

test('a steady stream starts no worker until the journal has been quiet for quietMs; then one folds it all', async () => {
  const dir = dataDir();
  const store = AuditStore.open({ dataDir: dir, instanceId: 'steady', ...FAST });
  const ids: string[] = [];
  const t0 = Date.now();
  // One record every ~10 ms for ~600 ms: never quiet for 120 ms.
  while (Date.now() - t0 < 600) {
    write(store, ids);
    await sleep(10);
    assert.equal(store.folderStarts, 0, `no worker while serving (after ${ids.length} records)`);
  }
  const last = Date.now();
  await until('all folded without flush()', () => stored(dir, ids));
  assert.ok(Date.now() - last >= FAST.quietMs, 'not before the quiet period');
  assert.equal(store.folderStarts, 1, 'one worker for the whole stream');
  await store.close();
});

test('past backlogRecords a worker starts while the guard is busy, and folds without flush()', async () => {
  const dir = dataDir();
  const store = AuditStore.open({ dataDir: dir, instanceId: 'bound', ...FAST, quietMs: 60_000, backlogRecords: 50 });
  const ids: string[] = [];
  for (let i = 0; i < 49; i++) write(store, ids);
  await sleep(200);
  assert.equal(store.folderStarts, 0, 'below the bound and never quiet long enough: no worker');
  write(store, ids);
  assert.equal(store.folderRunning, true, 'the 50th record starts one at once');
  await until('the backlog is folded without flush() or a quiet period', () => stored(dir, ids));
  await store.close();
});

test('past backlogBytes a worker starts while the guard is busy', async () => {
  const dir = dataDir();
  const store = AuditStore.open({ dataDir: dir, instanceId: 'bytes', ...FAST, quietMs: 60_000, backlogBytes: 16 * 1024 });
  const ids: string[] = [];
  // An event line is well under 1 KB: 16 KB takes some dozens of records.
  while (!store.folderRunning && ids.length < 1_000) write(store, ids);
  assert.ok(ids.length > 10 && ids.length < 1_000, `started after ${ids.length} records`);
  await until('the backlog is folded without flush()', () => stored(dir, ids));
  await store.close();
});

test('a never-idle stream: workers fold each backlog and leave while busy; nothing is lost', async () => {
  const dir = dataDir();
  const store = AuditStore.open({ dataDir: dir, instanceId: 'stream', ...FAST, quietMs: 60_000, backlogRecords: 100 });
  const ids: string[] = [];
  const end = Date.now() + 60_000;
  // ~5 records every 2 ms, never quiet (so no worker ever retires idle), until three workers
  // were started: each of the first two left while records kept coming. A worker that stayed
  // while the guard is busy would fold the whole stream alone (one start).
  while (store.folderStarts < 3 && Date.now() < end) {
    for (let i = 0; i < 5; i++) write(store, ids);
    await sleep(2);
  }
  assert.ok(store.folderStarts >= 3, `a worker per backlog bound (${store.folderStarts} starts for ${ids.length} records)`);
  await until('the third worker folds its backlog', async () => {
    const counts = await storedIdCounts(dir);
    return ids.filter((id) => counts.get(id) !== 1).length === 0;
  });
  await until('that worker exits once idle', () => !store.folderRunning);
  write(store, ids);
  await sleep(200);
  assert.equal(await stored(dir, ids), false, 'below the bound, a record waits in the journal for the quiet period');
  await store.flush();
  assert.ok(await stored(dir, ids), 'flush() folds the rest, every event exactly once');
  await store.close();
});

test('flush() under a steady stream is answered (a busy worker never leaves a flush behind)', async () => {
  const dir = dataDir();
  const store = AuditStore.open({ dataDir: dir, instanceId: 'flush-busy', ...FAST, foldIntervalMs: 5 });
  const ids: string[] = [];
  let writing = true;
  const writer = (async () => {
    while (writing) {
      write(store, ids);
      await sleep(1);
    }
  })();
  for (let i = 0; i < 5; i++) {
    const upTo = ids.length;
    await store.flush();
    assert.ok(await stored(dir, ids.slice(0, upTo)), `flush ${i} folded everything journaled before it`);
  }
  writing = false;
  await writer;
  await store.close();
  assert.ok(await stored(dir, ids), 'close() folded everything');
});

test('a record racing the worker’s exit is folded without flush()', async () => {
  const dir = dataDir();
  // One idle cycle is enough to exit, every 5 ms: the worker retires right after it folded a
  // burst. Each round's last record lands at a random moment around that exit (maybe between
  // the worker's last look at the journal and its exit) and must be folded with no further write.
  const store = AuditStore.open({ dataDir: dir, instanceId: 'race', foldIntervalMs: 5, idleCycles: 1, quietMs: 5 });
  const ids: string[] = [];
  for (let round = 0; round < 6; round++) {
    write(store, ids);
    write(store, ids);
    await until(`round ${round}: the burst is folded`, () => stored(dir, ids), 10_000, 2);
    await sleep(Math.floor(Math.random() * 12));
    write(store, ids);
    await until(`round ${round}: the last record is folded without flush()`, () => stored(dir, ids), 5_000);
    await until(`round ${round}: the worker exits`, () => !store.folderRunning, 5_000, 5);
  }
  assert.ok(store.folderStarts > 1, `the worker retired and restarted (${store.folderStarts} starts)`);
  await store.close();
});

test('a record journaled while the worker is retiring is folded by the next worker, with no further write', async () => {
  const dir = dataDir();
  // A quiet period far shorter than a thread's exit: the schedule's timer for the late record
  // fires while the retiring worker still runs; its exit must hand the record back.
  const store = AuditStore.open({ dataDir: dir, instanceId: 'retiring', ...FAST, quietMs: 1 });
  const first = makeEvent();
  store.record(first);
  await until('a worker starts once the journal is quiet', () => store.folderRunning);
  // White box: the moment the worker says it retires, it has taken its last look at the
  // journal. A record journaled now (before its exit) must not wait for some later write.
  const worker = (store as unknown as { worker: Worker | null }).worker!;
  const late = makeEvent();
  worker.on('message', (m: { type: string }) => {
    if (m.type === 'retire') store.record(late);
  });
  await until('both records folded, with no further write', () => stored(dir, [first.id, late.id]));
  assert.equal(store.folderStarts, 2);
  await store.close();
});

test('flush() with no worker running starts one and folds everything', async () => {
  const dir = dataDir();
  const release = holdLock(dir);
  const store = AuditStore.open({ dataDir: dir, instanceId: 'flush', ...FAST });
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const e = makeEvent();
    ids.push(e.id);
    store.record(e);
  }
  // The lock holder (this test) folds nothing: the worker finds nothing it may do and exits.
  await until('the lockless worker exits', () => store.folderStarts > 0 && !store.folderRunning, 5_000);
  assert.equal(await stored(dir, ids), false, 'nothing folded yet');
  release();
  await store.flush();
  assert.ok(await stored(dir, ids), 'flush() folded everything');
  await store.close();
});

test('close() with no worker running still folds everything and deletes the journal', async () => {
  const dir = dataDir();
  const release = holdLock(dir);
  const store = AuditStore.open({ dataDir: dir, instanceId: 'close', ...FAST });
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const e = makeEvent();
    ids.push(e.id);
    store.record(e);
  }
  await until('the lockless worker exits', () => store.folderStarts > 0 && !store.folderRunning, 5_000);
  release();
  assert.equal(store.folderRunning, false);
  await store.close();
  assert.ok(await stored(dir, ids), 'close() folded everything');
  assert.deepEqual(journalFiles(dir), [], 'the closed journal was folded and deleted');
});

test('close() of a store that never journaled a record folds its journal away', async () => {
  const dir = dataDir();
  const store = AuditStore.open({ dataDir: dir, instanceId: 'quiet', ...FAST });
  assert.equal(journalFiles(dir).length, 1);
  await store.close();
  assert.deepEqual(journalFiles(dir), []);
});

test('journals left by a dead process are folded at open, with no write here', async () => {
  const dir = dataDir();
  // A journal as a guard killed with -9 leaves it: no end record, an intent never answered.
  const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
  const answered = makeEvent();
  const interrupted: AuditEvent = { ...makeEvent({ method: 'DELETE', action: 'delete' }), outcome: 'error', error: 'interrupted' };
  mkdirSync(join(dir, 'journal'), { recursive: true });
  const lines = [
    { k: 'open', pid: dead, instance_id: 'dead', ts: Date.now(), v: answered.v },
    { k: 'intent', e: { ...answered, outcome: 'error', error: 'interrupted' } },
    { k: 'event', e: answered },
    { k: 'intent', e: interrupted },
  ];
  writeFileSync(join(dir, 'journal', `dead.${dead}.abc123.000000.ndjson`), lines.map((l) => JSON.stringify(l) + '\n').join(''));

  const store = AuditStore.open({ dataDir: dir, instanceId: 'next', ...FAST });
  await until('the dead process’s events are folded', () => stored(dir, [answered.id, interrupted.id]));
  assert.equal(store.folderStarts, 1);
  await until('the worker exits once idle', () => !store.folderRunning, 5_000);
  await store.close();
  assert.deepEqual(journalFiles(dir), [], "the dead writer's journal is deleted once folded");
});
