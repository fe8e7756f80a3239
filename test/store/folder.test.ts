import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { SqlJsStatic } from 'sql.js';
import type { AuditEvent } from '../../core/types.ts';
import { Folder, LockLostError } from '../../store/writer/folder.ts';
import type { FolderOptions } from '../../store/writer/folder.ts';
import { JournalWriter } from '../../store/journal.ts';
import { DAY_MS, segmentsToDrop } from '../../store/writer/retention.ts';
import { readManifest } from '../../store/schema.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { integrityOfSegments, journalFiles, makeAlert, makeEvent, segmentFiles, storedIdCounts, tempDataDir } from './helpers.ts';

const tmps: (() => void)[] = [];
after(() => tmps.forEach((c) => c()));
const SQL: SqlJsStatic = await loadSqlJs();

function setup(): { dir: string; journal: () => JournalWriter; folder: (o?: Partial<FolderOptions>) => Folder; warnings: string[] } {
  const t = tempDataDir();
  tmps.push(t.cleanup);
  mkdirSync(join(t.dir, 'journal'), { recursive: true });
  const warnings: string[] = [];
  return {
    dir: t.dir,
    warnings,
    journal: () => new JournalWriter(join(t.dir, 'journal'), 'test'),
    folder: (o = {}) =>
      new Folder(SQL, {
        dataDir: t.dir,
        segmentSize: 25_000,
        retentionDays: 90,
        maxEvents: 1_000_000,
        onWarning: (m) => warnings.push(m),
        ...o,
      }),
  };
}

function record(w: JournalWriter, n: number, over: Partial<AuditEvent> = {}): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const e = makeEvent(over);
    w.append({ k: 'event', e });
    ids.push(e.id);
  }
  return ids;
}

async function assertExactlyOnce(dir: string, ids: string[]): Promise<Map<string, number>> {
  const counts = await storedIdCounts(dir);
  for (const id of ids) assert.equal(counts.get(id), 1, `event ${id} stored ${counts.get(id) ?? 0} times`);
  assert.ok(
    [...counts.values()].every((c) => c === 1),
    'no event is stored twice',
  );
  return counts;
}

function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number;
}

function segmentDb(path: string) {
  return new SQL.Database(readFileSync(path));
}

test('folds journals into a segment and saves offsets with the data', async () => {
  const s = setup();
  const w = s.journal();
  const ids = record(w, 100);
  const alert = makeAlert();
  w.append({ k: 'alert', a: alert });
  const r = s.folder().fold();
  assert.equal(r.saves, 1);
  await assertExactlyOnce(s.dir, ids);
  const db = segmentDb(segmentFiles(s.dir)[0] as string);
  const [name, offset] = db.exec('SELECT name, offset FROM journals')[0]!.values[0] as [string, number];
  assert.equal(name, w.position().name);
  assert.equal(offset, w.position().offset);
  assert.equal(db.exec('SELECT count(*) FROM alerts')[0]?.values[0]?.[0], 1);
  db.close();
  assert.equal(s.folder().fold().saves, 0, 'nothing new: no save');
});

test('idempotent: a crash before the rename, or a replay from offset 0, stores nothing twice', async () => {
  const s = setup();
  const w = s.journal();
  const first = record(w, 50);
  s.folder().fold();
  const second = record(w, 50);
  // The folder loses the lock (think: killed) right before saving: nothing reaches the file.
  assert.throws(() => s.folder({ canSave: () => false }).fold(), LockLostError);
  // A save that died after writing its temp file but before the rename leaves a stray temp.
  const stray = join(s.dir, 'db', `.segment-000001.sqlite.${deadPid()}.abcd.tmp`);
  writeFileSync(stray, 'partial');
  s.folder().fold();
  assert.equal(existsSync(stray), false, 'temp files of dead processes are removed');
  await assertExactlyOnce(s.dir, [...first, ...second]);
  // Replay everything: offsets reset to 0 in the saved file.
  const path = segmentFiles(s.dir)[0] as string;
  const db = segmentDb(path);
  db.run('UPDATE journals SET offset = 0');
  writeFileSync(path, db.export());
  db.close();
  s.folder().fold();
  const counts = await assertExactlyOnce(s.dir, [...first, ...second]);
  assert.equal(counts.size, 100);
});

test('segments roll at segmentSize; an event never lands in two segments; intents carry over', async () => {
  const s = setup();
  const w = s.journal();
  const ids = record(w, 240);
  const open = makeEvent({ outcome: 'error', error: 'interrupted: guard stopped before the upstream answered' });
  w.append({ k: 'intent', e: open });
  ids.push(...record(w, 30));
  const f = s.folder({ segmentSize: 100 });
  f.fold();
  const files = segmentFiles(s.dir);
  assert.equal(files.length, 3);
  await assertExactlyOnce(s.dir, ids);
  const newest = segmentDb(files[2] as string);
  assert.equal(newest.exec('SELECT count(*) FROM events')[0]?.values[0]?.[0], 70);
  assert.deepEqual(newest.exec('SELECT id FROM pending')[0]?.values, [[open.id]]);
  const manifest = readManifest(newest);
  assert.deepEqual(
    manifest.map((m) => [m.seq, m.count]),
    [
      [1, 100],
      [2, 100],
    ],
  );
  newest.close();
  // The final event arrives later and replaces the intent, in the newest segment only.
  const final = { ...open, outcome: 'forwarded' as const, error: null, status: 201 };
  w.append({ k: 'event', e: final });
  ids.push(...record(w, 40));
  f.fold();
  const after = segmentFiles(s.dir);
  assert.equal(after.length, 4);
  const counts = await assertExactlyOnce(s.dir, [...ids, open.id]);
  assert.equal(counts.size, 311);
  const last = segmentDb(after[3] as string);
  assert.equal(last.exec('SELECT count(*) FROM pending')[0]?.values[0]?.[0], 0);
  last.close();
  assert.deepEqual(
    (await integrityOfSegments(s.dir)).map((r) => r.verdict),
    ['ok', 'ok', 'ok', 'ok'],
  );
});

test('a crash between sealing a segment and saving the next one re-rolls without duplicates', async () => {
  const s = setup();
  const w = s.journal();
  const ids = record(w, 100); // exactly one full segment
  s.folder({ segmentSize: 100 }).fold();
  ids.push(...record(w, 10));
  // Losing the lock right after the seal: the new segment is never written.
  let saves = 0;
  assert.throws(() => s.folder({ segmentSize: 100, canSave: () => saves++ < 0 }).fold(), LockLostError);
  assert.equal(segmentFiles(s.dir).length, 1);
  s.folder({ segmentSize: 100 }).fold();
  assert.equal(segmentFiles(s.dir).length, 2);
  await assertExactlyOnce(s.dir, ids);
});

test('intents of a dead or closed writer become interrupted events; its journal is deleted', async () => {
  const s = setup();
  const pid = deadPid();
  const lost = makeEvent({ outcome: 'error', error: 'interrupted: guard stopped before the upstream answered' });
  const done = makeEvent();
  const deadJournal = join(s.dir, 'journal', `gone.${pid}.abc.000000.ndjson`);
  appendFileSync(
    deadJournal,
    [
      JSON.stringify({ k: 'open', pid, instance_id: 'gone', ts: 1 }),
      JSON.stringify({ k: 'intent', e: lost }),
      JSON.stringify({ k: 'intent', e: { ...done, outcome: 'error' } }),
      JSON.stringify({ k: 'event', e: done }),
      '{"k":"event","e":{"id":"torn', // killed mid-line
    ].join('\n'),
  );
  const live = s.journal();
  const inFlight = makeEvent({ outcome: 'error' });
  live.append({ k: 'intent', e: inFlight });
  const f = s.folder();
  f.fold();
  f.fold(); // the cycle after the save that folded everything deletes the journal
  assert.equal(existsSync(deadJournal), false);
  const db = segmentDb(segmentFiles(s.dir)[0] as string);
  const rows = db.exec('SELECT id, outcome, error FROM events ORDER BY id')[0]?.values;
  assert.deepEqual(
    rows,
    [
      [lost.id, 'error', lost.error],
      [done.id, 'forwarded', null],
    ].sort(),
  );
  assert.deepEqual(db.exec('SELECT id FROM pending')[0]?.values, [[inFlight.id]], "a live writer's intent stays pending");
  db.close();
  live.close();
  f.fold();
  const db2 = segmentDb(segmentFiles(s.dir)[0] as string);
  assert.equal(db2.exec('SELECT outcome FROM events WHERE id = ?', [inFlight.id])[0]?.values[0]?.[0], 'error');
  assert.equal(db2.exec('SELECT count(*) FROM pending')[0]?.values[0]?.[0], 0);
  db2.close();
  f.fold();
  assert.deepEqual(journalFiles(s.dir), [], 'closed journals are deleted once folded');
});

test('invalid journal lines are skipped and counted, never fatal', async () => {
  const s = setup();
  const w = s.journal();
  const ids = record(w, 3);
  appendFileSync(join(s.dir, 'journal', w.position().name), '{"k":"event","e":{"id":1}}\nnot json at all\n');
  const w2 = s.journal();
  ids.push(...record(w2, 3));
  const f = s.folder();
  f.fold();
  assert.equal(f.badLines, 2);
  assert.ok(s.warnings.some((m) => m.includes('invalid line')));
  await assertExactlyOnce(s.dir, ids);
});

test('retention by days drops whole old segments and trims the newest', async () => {
  const s = setup();
  const w = s.journal();
  const now = Date.UTC(2025, 5, 1);
  const old = record(w, 100, { ts: now - 200 * DAY_MS });
  const recent = record(w, 100, { ts: now - 10 * DAY_MS });
  const newestOld = record(w, 5, { ts: now - 100 * DAY_MS });
  const newestRecent = record(w, 5, { ts: now });
  s.folder({ segmentSize: 100, now: () => now }).fold();
  const counts = await storedIdCounts(s.dir);
  for (const id of old) assert.equal(counts.has(id), false);
  for (const id of newestOld) assert.equal(counts.has(id), false);
  for (const id of [...recent, ...newestRecent]) assert.equal(counts.get(id), 1);
  assert.deepEqual(
    segmentFiles(s.dir).map((f) => f.slice(-21)),
    ['segment-000002.sqlite', 'segment-000003.sqlite'],
  );
});

test('retention by max events drops the oldest segments, keeping at least maxEvents', async () => {
  const s = setup();
  const w = s.journal();
  const ids = record(w, 650);
  s.folder({ segmentSize: 100, maxEvents: 250 }).fold();
  const counts = await storedIdCounts(s.dir);
  assert.ok(counts.size >= 250 && counts.size < 350, `kept ${counts.size}`);
  for (const id of ids.slice(-250)) assert.equal(counts.get(id), 1, 'the newest events are kept');
  const newest = segmentDb(segmentFiles(s.dir).at(-1) as string);
  assert.deepEqual(
    readManifest(newest).map((m) => m.seq),
    [5, 6],
  );
  newest.close();
});

test('segmentsToDrop: days first, then oldest while the rest still holds maxEvents', () => {
  const seg = (seq: number, count: number, max_ts: number) => ({ seq, count, min_ts: max_ts - 1, max_ts });
  const now = 100 * DAY_MS;
  const sealed = [seg(1, 10, 1), seg(2, 10, now), seg(3, 10, now), seg(4, 10, now)];
  assert.deepEqual(segmentsToDrop(sealed, 5, { retentionDays: 30, maxEvents: 1000 }, now), [1]);
  assert.deepEqual(segmentsToDrop(sealed, 5, { retentionDays: 300, maxEvents: 25 }, now), [1, 2]);
  assert.deepEqual(segmentsToDrop(sealed, 5, { retentionDays: 300, maxEvents: 45 }, now), []);
});

for (const damage of ['garbage', 'truncated'] as const) {
  test(`a damaged newest segment (${damage}) is moved aside and rebuilt from the journals`, async () => {
    const s = setup();
    const w = s.journal();
    const ids = record(w, 230);
    s.folder({ segmentSize: 100 }).fold();
    const newest = segmentFiles(s.dir).at(-1) as string;
    if (damage === 'garbage') writeFileSync(newest, 'this is not a database');
    else truncateSync(newest, Math.floor(readFileSync(newest).length / 2));
    ids.push(...record(w, 20));
    s.folder({ segmentSize: 100 }).fold();
    assert.ok(
      s.warnings.some((m) => m.includes('damaged')),
      s.warnings.join('\n'),
    );
    assert.equal(readdirSync(join(s.dir, 'db')).filter((n) => n.includes('.corrupt-')).length, 1);
    assert.ok((await integrityOfSegments(s.dir)).every((r) => r.verdict === 'ok'));
    await assertExactlyOnce(s.dir, ids);
  });
}

test('all segments unreadable: the store starts over from the journals without crashing', async () => {
  const s = setup();
  const w = s.journal();
  const ids = record(w, 20);
  s.folder().fold();
  writeFileSync(segmentFiles(s.dir)[0] as string, Buffer.alloc(4096, 7));
  s.folder().fold();
  await assertExactlyOnce(s.dir, ids);
});

test('a folder that finds the newest file changed on disk reloads it before folding', async () => {
  const s = setup();
  const w = s.journal();
  const a = s.folder({ segmentSize: 100 });
  const b = s.folder({ segmentSize: 100 });
  const ids = record(w, 60);
  a.fold();
  ids.push(...record(w, 60));
  b.fold(); // b saved in between (it held the lock meanwhile), and rolled
  ids.push(...record(w, 10));
  a.fold();
  await assertExactlyOnce(s.dir, ids);
  assert.equal(segmentFiles(s.dir).length, 2);
});
