import { strict as assert } from 'node:assert';
import { mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { SqlJsStatic } from 'sql.js';
import { FoldedEventReader } from '../../store/read/folded-events.ts';
import type { FoldedPosition } from '../../store/read/folded-events.ts';
import { JournalWriter } from '../../store/journal.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { Folder } from '../../store/writer/folder.ts';
import { makeEvent, segmentFiles, tempDataDir } from './helpers.ts';

const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((c) => c()));
const SQL: SqlJsStatic = await loadSqlJs();

function store(segmentSize: number) {
  const t = tempDataDir();
  cleanups.push(t.cleanup);
  mkdirSync(join(t.dir, 'journal'), { recursive: true });
  const journal = new JournalWriter(join(t.dir, 'journal'), 'test');
  const folder = new Folder(SQL, { dataDir: t.dir, segmentSize, retentionDays: 90, maxEvents: 1_000_000, onWarning: () => {} });
  return {
    dir: t.dir,
    /** Journals n final events (and one intent that never finishes) and folds them. */
    add(n: number): string[] {
      const ids: string[] = [];
      journal.append({ k: 'intent', e: makeEvent({ outcome: 'error' }) });
      for (let i = 0; i < n; i++) {
        const e = makeEvent();
        journal.append({ k: 'event', e });
        ids.push(e.id);
      }
      folder.fold();
      return ids;
    },
  };
}

function drain(reader: FoldedEventReader, from: FoldedPosition | null, limit: number): { ids: string[]; pos: FoldedPosition | null } {
  const ids: string[] = [];
  let pos = from;
  for (let round = 0; round < 1_000; round++) {
    const r = reader.read(pos, limit);
    if (r.rows.length === 0) return { ids, pos };
    for (const row of r.rows) ids.push(row.event!.id);
    const last = r.rows.at(-1)!;
    pos = { seq: last.seq, rowid: last.rowid };
  }
  throw new Error('the reader never reached the end');
}

test('final events come once each, in fold order, across sealed segments; intents never', () => {
  const s = store(10);
  const ids = s.add(35);
  assert.ok(segmentFiles(s.dir).length >= 3, 'several segments');
  const reader = new FoldedEventReader(SQL, s.dir);
  assert.equal(reader.backlog(null), 35);
  const { ids: got, pos } = drain(reader, null, 7);
  assert.deepEqual(got, ids);
  assert.equal(reader.backlog(pos), 0);
  reader.close();
});

test('a position resumes after it: only events folded later come, and the backlog counts them', () => {
  const s = store(10);
  s.add(12);
  const reader = new FoldedEventReader(SQL, s.dir);
  const first = drain(reader, null, 5);
  assert.equal(first.ids.length, 12);
  const later = s.add(23);
  assert.equal(reader.backlog(first.pos), 23);
  const half = reader.read(first.pos, 4);
  assert.deepEqual(
    half.rows.map((r) => r.event!.id),
    later.slice(0, 4),
  );
  const lastRow = half.rows.at(-1)!;
  assert.equal(reader.backlog({ seq: lastRow.seq, rowid: lastRow.rowid }), 19);
  assert.deepEqual(drain(reader, first.pos, 50).ids, later);
  reader.close();
});

test('segments dropped before they were read are skipped to the oldest remaining one', () => {
  const s = store(10);
  s.add(30);
  const files = segmentFiles(s.dir);
  unlinkSync(files[0]!);
  const reader = new FoldedEventReader(SQL, s.dir);
  const r = reader.read({ seq: 1, rowid: 3 }, 100);
  assert.ok(r.skipped, 'reported as skipped');
  assert.deepEqual(r.skipped.seqs, [1]);
  assert.equal(r.rows[0]!.seq, 2);
  assert.ok(r.rows.every((row) => row.seq >= 2));
  reader.close();
});
