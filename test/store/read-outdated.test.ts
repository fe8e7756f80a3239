// The reader knows when its snapshot is behind the files (outdated(): what a window checks
// after its watch opened, to catch up on what was written between its reader's snapshot and
// the watch), and an event that is both a segment row and a journal line counts once in the
// sessions list and the aggregates (the overlay shadows the row), and pages read past the rows
// it shadows.
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { JournalWriter } from '../../store/journal.ts';
import { openStoreReader } from '../../store/read/index.ts';
import type { StoreReader } from '../../store/read/index.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { Folder } from '../../store/writer/folder.ts';
import { makeEvent, tempDataDir } from './helpers.ts';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';

const SQL = await loadSqlJs();
const T0 = Date.UTC(2025, 0, 10, 12, 0, 0);

describe('reader snapshot: outdated() and shadowed rows', () => {
  let t: ReturnType<typeof tempDataDir>;
  let folder: Folder;
  let journal: JournalWriter;
  let r: StoreReader;
  const folded = Array.from({ length: 6 }, (_, i) => makeEvent({ ts: T0 + i * 1000, session_id: 'sess-a' }));

  before(async () => {
    t = tempDataDir();
    mkdirSync(join(t.dir, 'journal'), { recursive: true });
    folder = new Folder(SQL, { dataDir: t.dir, segmentSize: 1000, retentionDays: 36500, maxEvents: 1e9, onWarning: () => {} });
    journal = new JournalWriter(join(t.dir, 'journal'), 'writer-a');
    for (const e of folded) journal.append({ k: 'event', e });
    folder.fold();
    r = await openStoreReader({ dataDir: t.dir, SQL });
  });
  after(() => {
    r.close();
    journal.close();
    t.cleanup();
  });

  test('not outdated right after opening; outdated once a journal grows; not after refresh()', () => {
    assert.equal(r.outdated(), false);
    journal.append({ k: 'event', e: makeEvent({ ts: T0 + 10_000, session_id: 'sess-b' }) });
    assert.equal(r.outdated(), true);
    r.refresh();
    assert.equal(r.outdated(), false);
    assert.equal(r.count(), 7);
  });

  test('outdated once the folder saved a new newest segment', () => {
    folder.fold();
    assert.equal(r.outdated(), true);
    r.refresh();
    assert.equal(r.outdated(), false);
  });

  test('an event in a segment and again in a journal counts once (sessions, aggregates)', () => {
    // A second writer's journal repeats one folded event (same id, same ts) and adds one newer event.
    const again = new JournalWriter(join(t.dir, 'journal'), 'writer-b');
    try {
      again.append({ k: 'event', e: folded[2]! });
      again.append({ k: 'event', e: makeEvent({ ts: T0 + 20_000, session_id: 'sess-a' }) });
      r.refresh();
      const a = r.sessions().find((s) => s.sessionId === 'sess-a');
      assert.equal(a?.events, 7, 'six folded + one new, the repeated one once');
      assert.equal(r.aggregate({ since: T0 - 1000, until: T0 + 60_000 }).total, 8);
    } finally {
      again.close();
    }
  });

  test('a page reads past segment rows that the overlay shadows without matching the filter', async () => {
    const u = tempDataDir();
    const jdir = join(u.dir, 'journal');
    mkdirSync(jdir, { recursive: true });
    const w = new JournalWriter(jdir, 'writer-a');
    const rows = Array.from({ length: 6 }, (_, i) => makeEvent({ ts: T0 + i * 1000, session_id: 'sess-c' }));
    for (const e of rows) w.append({ k: 'event', e });
    new Folder(SQL, { dataDir: u.dir, segmentSize: 1000, retentionDays: 36500, maxEvents: 1e9, onWarning: () => {} }).fold();
    // A later record of rows[3] (same id and ts) that no longer matches outcome = forwarded.
    w.append({ k: 'event', e: { ...rows[3]!, outcome: 'error', status: null, error: 'upstream reset' } });
    const rr = await openStoreReader({ dataDir: u.dir, SQL });
    try {
      const first = rr.events({ outcome: 'forwarded' }, { limit: 4 });
      assert.deepEqual(
        first.events.map((e) => e.id),
        [rows[5]!, rows[4]!, rows[2]!, rows[1]!].map((e) => e.id),
      );
      assert.notEqual(first.nextCursor, null, 'rows[0] is still to come');
      assert.deepEqual(
        rr.events({ outcome: 'forwarded' }, { limit: 4, cursor: first.nextCursor }).events.map((e) => e.id),
        [rows[0]!.id],
      );
    } finally {
      rr.close();
      w.close();
      u.cleanup();
    }
  });
});
