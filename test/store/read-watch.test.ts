// The watch reports each new event and alert exactly once: across journal rotation, folding
// and deletion of journals, segment rolls and two writer processes; nothing when nothing is new.
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { AuditEvent } from '../../core/types.ts';
import { JournalWriter } from '../../store/journal.ts';
import { openStoreWatch } from '../../store/read/index.ts';
import type { StoreWatch, WatchBatch } from '../../store/read/index.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { Folder } from '../../store/writer/folder.ts';
import { journalFiles, makeAlert, makeEvent, tempDataDir } from './helpers.ts';
import { startWriter } from './processes.ts';
import { rng } from './read-fixture.ts';

const SQL = await loadSqlJs();
const tmps: (() => void)[] = [];
after(() => tmps.forEach((c) => c()));

function setup(segmentSize = 50) {
  const t = tempDataDir();
  tmps.push(t.cleanup);
  const jdir = join(t.dir, 'journal');
  mkdirSync(jdir, { recursive: true });
  const folder = new Folder(SQL, { dataDir: t.dir, segmentSize, retentionDays: 36500, maxEvents: 1e9, onWarning: () => {} });
  return { dir: t.dir, jdir, folder };
}

/** Collects batches and checks that no id is reported twice. */
class Tally {
  events = new Map<string, AuditEvent>();
  alerts = new Set<string>();
  intents = new Set<string>();
  add(b: WatchBatch): WatchBatch {
    for (const e of b.events) {
      assert.ok(!this.events.has(e.id), `event ${e.id} reported twice`);
      this.events.set(e.id, e);
    }
    for (const a of b.alerts) {
      assert.ok(!this.alerts.has(a.id), `alert ${a.id} reported twice`);
      this.alerts.add(a.id);
    }
    for (const e of b.intents) {
      assert.ok(!this.intents.has(e.id), `intent ${e.id} reported twice`);
      this.intents.add(e.id);
    }
    return b;
  }
}

const empty = (b: WatchBatch): boolean => b.events.length === 0 && b.alerts.length === 0 && b.intents.length === 0;

test('reports appended events, alerts and intents once; nothing when nothing is new', async () => {
  const s = setup();
  const w = new JournalWriter(s.jdir, 'w1');
  const before = makeEvent();
  w.append({ k: 'event', e: before });
  const watch = await openStoreWatch({ dataDir: s.dir, SQL });
  assert.ok(empty(watch.poll()), 'what was there when the watch opened is not new');
  assert.ok(empty(watch.poll()));

  const e1 = makeEvent();
  const e2 = makeEvent({ risk_level: 3 });
  const a1 = makeAlert();
  w.append({ k: 'intent', e: { ...e1, outcome: 'error', error: 'interrupted' } });
  w.append({ k: 'event', e: e1 });
  w.append({ k: 'event', e: e2 });
  w.append({ k: 'alert', a: a1 });
  const open = makeEvent({ method: 'DELETE' });
  w.append({ k: 'intent', e: { ...open, outcome: 'error', error: 'interrupted' } });
  const b = watch.poll();
  assert.deepEqual(
    b.events.map((e) => e.id),
    [e1.id, e2.id],
    'an intent followed by its final event is reported as the final event',
  );
  assert.equal(b.events[0]?.outcome, 'forwarded');
  assert.deepEqual(
    b.alerts.map((a) => a.id),
    [a1.id],
  );
  assert.deepEqual(
    b.intents.map((e) => e.id),
    [open.id],
  );
  assert.ok(empty(watch.poll()), 'nothing new');
  w.append({ k: 'event', e: open });
  assert.deepEqual(
    watch.poll().events.map((e) => e.id),
    [open.id],
    'the final event of an in-flight intent follows',
  );
  // Folding (the segment changes) brings nothing new either.
  s.folder.fold();
  assert.ok(empty(watch.poll()));
  w.close();
  s.folder.fold();
  assert.ok(empty(watch.poll()), 'a folded and deleted journal brings nothing new');
  assert.equal(journalFiles(s.dir).length, 0, 'the closed journal was deleted');
});

test('exactly once across rotation, folds, segment rolls and journals deleted before they were read', async () => {
  const s = setup(40);
  const watch = await openStoreWatch({ dataDir: s.dir, SQL, scanEveryMs: 1e9 });
  const tally = new Tally();
  const r = rng(3);
  const written = new Set<string>();
  const alerts = new Set<string>();
  let writers = [new JournalWriter(s.jdir, 'ra', 1500), new JournalWriter(s.jdir, 'rb', 2500)];
  for (let step = 0; step < 400; step++) {
    const x = r();
    const w = writers[Math.floor(r() * writers.length)]!;
    if (x < 0.6) {
      const e = makeEvent();
      if (r() < 0.3) w.append({ k: 'intent', e: { ...e, outcome: 'error', error: 'interrupted' } });
      w.append({ k: 'event', e });
      written.add(e.id);
    } else if (x < 0.65) {
      const a = makeAlert();
      w.append({ k: 'alert', a });
      alerts.add(a.id);
    } else if (x < 0.8) {
      s.folder.fold();
    } else if (x < 0.83) {
      // A writer closes: its last lines are folded and the file deleted before the next poll.
      const i = writers.indexOf(w);
      const e = makeEvent();
      w.append({ k: 'event', e });
      written.add(e.id);
      w.close();
      s.folder.fold();
      writers = writers.filter((_, k) => k !== i);
      writers.push(new JournalWriter(s.jdir, `r${step}`, 1500 + Math.floor(r() * 2000)));
    } else {
      tally.add(watch.poll());
    }
  }
  tally.add(watch.poll());
  for (const w of writers) w.close();
  s.folder.fold();
  tally.add(watch.poll());
  assert.deepEqual([...tally.events.keys()].sort(), [...written].sort(), 'every event exactly once');
  assert.deepEqual([...tally.alerts].sort(), [...alerts].sort(), 'every alert exactly once');
  assert.ok(empty(watch.poll()));
});

test('a journal written, folded and deleted entirely between two polls is caught by the safety scan', async () => {
  const s = setup();
  const watch = await openStoreWatch({ dataDir: s.dir, SQL, scanEveryMs: 0 });
  const w = new JournalWriter(s.jdir, 'short-lived');
  const e = makeEvent();
  w.append({ k: 'event', e });
  w.close();
  s.folder.fold();
  assert.equal(journalFiles(s.dir).length, 0);
  assert.deepEqual(
    watch.poll().events.map((x) => x.id),
    [e.id],
  );
  assert.ok(empty(watch.poll()));
});

test('two writer processes with their own folders: every event once, through start()', async () => {
  const s = setup();
  const watch: StoreWatch = await openStoreWatch({ dataDir: s.dir, SQL, scanEveryMs: 200 });
  const tally = new Tally();
  watch.start((b) => tally.add(b), { intervalMs: 50 });
  try {
    const procs = ['pa', 'pb'].map((id) =>
      startWriter({ dataDir: s.dir, instanceId: id, count: 600, segmentSize: 200, foldIntervalMs: 20 }),
    );
    await Promise.all(procs.map((p) => p.exited));
    const ids = procs.flatMap((p) => p.ids);
    assert.equal(ids.length, 1200, procs.map((p) => p.stderr()).join('\n'));
    const deadline = Date.now() + 10_000;
    while (tally.events.size < ids.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual([...tally.events.keys()].sort(), [...ids].sort());
  } finally {
    watch.stop();
  }
});
