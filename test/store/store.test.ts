import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { AuditStore, openAuditReader } from '../../store/index.ts';
import { journalFiles, makeAlert, makeEvent, storedIdCounts, tempDataDir } from './helpers.ts';

const tmps: (() => void)[] = [];
after(() => tmps.forEach((c) => c()));

function dataDir(): string {
  const t = tempDataDir();
  tmps.push(t.cleanup);
  return t.dir;
}

test('record, flush, read, close: the folder worker stores every event once', async () => {
  const dir = dataDir();
  const warnings: string[] = [];
  const store = AuditStore.open({
    dataDir: dir,
    instanceId: 'unit',
    segmentSize: 100,
    foldIntervalMs: 50,
    onWarning: (m) => warnings.push(m),
  });
  const ids: string[] = [];
  for (let i = 0; i < 250; i++) {
    const e = makeEvent();
    store.recordIntent({ ...e, outcome: 'error', error: 'interrupted' });
    store.record(e);
    ids.push(e.id);
  }
  const alert = makeAlert({ event_ids: ids.slice(0, 2) });
  store.recordAlert(alert);
  await store.flush();
  const counts = await storedIdCounts(dir);
  assert.equal(counts.size, 250);
  assert.ok(ids.every((id) => counts.get(id) === 1));
  const r = await openAuditReader(dir);
  assert.deepEqual(
    r.latest(3).map((e) => e.id),
    ids.slice(-3).reverse(),
  );
  assert.deepEqual(r.alerts(1), [alert]);
  r.close();
  await store.close();
  assert.deepEqual(journalFiles(dir), [], 'a closed, folded journal is deleted');
  assert.throws(() => store.record(makeEvent()), /closed/);
  assert.deepEqual(warnings, []);
});

test('invalid events are refused at record time', () => {
  const dir = dataDir();
  const store = AuditStore.open({ dataDir: dir, instanceId: 'v', fold: false });
  assert.throws(() => store.record({ ...makeEvent(), risk_level: 9 as 0 }), TypeError);
  assert.throws(() => store.recordAlert({ ...makeAlert(), event_ids: 'x' as unknown as string[] }), TypeError);
  return store.close();
});

test('two stores on one data dir: one folds for both, flush waits for the lock holder', async () => {
  const dir = dataDir();
  const a = AuditStore.open({ dataDir: dir, instanceId: 'a', segmentSize: 100, foldIntervalMs: 30 });
  const b = AuditStore.open({ dataDir: dir, instanceId: 'b', segmentSize: 100, foldIntervalMs: 30 });
  const ids: string[] = [];
  for (let i = 0; i < 300; i++) {
    const e = makeEvent();
    (i % 2 ? a : b).record(e);
    ids.push(e.id);
    if (i % 50 === 0) await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all([a.flush(), b.flush()]);
  const counts = await storedIdCounts(dir);
  assert.equal(counts.size, 300);
  assert.ok(ids.every((id) => counts.get(id) === 1));
  await Promise.all([a.close(), b.close()]);
  assert.deepEqual(journalFiles(dir), []);
});

test('a store that only journals (fold: false) is folded by the next store', async () => {
  const dir = dataDir();
  const quiet = AuditStore.open({ dataDir: dir, instanceId: 'quiet', fold: false });
  const e = makeEvent();
  quiet.record(e);
  await quiet.flush(); // no folder here: returns at once
  const folder = AuditStore.open({ dataDir: dir, instanceId: 'folder', foldIntervalMs: 30 });
  await folder.flush();
  assert.equal((await storedIdCounts(dir)).get(e.id), 1);
  await quiet.close();
  await folder.close();
  assert.deepEqual(journalFiles(dir), []);
});

test('the folder worker is replaced after a large fold, and no flush or event is lost across it', async () => {
  const { dir, cleanup } = tempDataDir();
  after(cleanup);
  const store = AuditStore.open({ dataDir: dir, instanceId: 'recycle', recycleAfterLines: 100, foldIntervalMs: 20 });
  const ids: string[] = [];
  // Rounds of writes and flushes racing the recycles: each flush must resolve (re-sent to the
  // new worker when the old one exits first), and every event must be stored exactly once.
  for (let round = 0; round < 8; round++) {
    for (let i = 0; i < 150; i++) {
      const e = makeEvent();
      ids.push(e.id);
      store.record(e);
    }
    await store.flush();
    await new Promise((r) => setTimeout(r, 15 * (round % 3)));
  }
  for (let i = 0; i < 100 && store.folderRecycles < 2; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(store.folderRecycles >= 2, `recycled ${store.folderRecycles} times`);
  await store.close();
  const counts = await storedIdCounts(dir);
  assert.equal(counts.size, ids.length);
  assert.deepEqual(
    [...counts.values()].filter((n) => n !== 1),
    [],
  );
  for (const id of ids) assert.ok(counts.has(id), id);
});

test('close() while the folder worker is recycling still folds everything', async () => {
  const { dir, cleanup } = tempDataDir();
  after(cleanup);
  const ids: string[] = [];
  // A worker that recycles as soon as it is idle after a few lines. close() right after a
  // completed flush is when the worker tends to decide to recycle (the race this guards).
  for (let round = 0; round < 30; round++) {
    const store = AuditStore.open({ dataDir: dir, instanceId: `race-${round}`, recycleAfterLines: 1, foldIntervalMs: 2 });
    for (let i = 0; i < 20; i++) {
      const e = makeEvent();
      ids.push(e.id);
      store.record(e);
    }
    await store.flush();
    await new Promise((r) => setTimeout(r, round % 4));
    await store.close();
  }
  const counts = await storedIdCounts(dir);
  assert.equal(counts.size, ids.length);
  for (const id of ids) assert.equal(counts.get(id), 1, id);
});
