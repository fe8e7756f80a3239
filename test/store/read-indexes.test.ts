// The read-only index events_session (store/schema.ts READ_INDEXES): the sessions list of the
// newest segment (the Audit Log's top level) reads it instead of every event row. New segments
// have it; a segment saved without it reads the same (by scanning) and gets it when the folder
// next writes it; its schema version does not change.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { JournalWriter } from '../../store/journal.ts';
import { openStoreReader } from '../../store/read/index.ts';
import { getMeta, STORE_SCHEMA_VERSION } from '../../store/schema.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { Folder } from '../../store/writer/folder.ts';
import { makeEvent, segmentFiles, tempDataDir } from './helpers.ts';

const SQL = await loadSqlJs();
const SESSIONS_SQL =
  'SELECT session_id, client, min(ts), max(ts), count(*), max(risk_level) FROM events WHERE 1 GROUP BY session_id, client';
const tmps: (() => void)[] = [];
after(() => tmps.forEach((c) => c()));

/** A data dir with one (newest) segment holding `n` events across 3 sessions and 2 clients. */
function store(n: number, t0 = Date.now() - 3_600_000) {
  const t = tempDataDir();
  tmps.push(t.cleanup);
  mkdirSync(join(t.dir, 'journal'), { recursive: true });
  const w = new JournalWriter(join(t.dir, 'journal'), 'idx');
  for (let i = 0; i < n; i++) {
    w.append({ k: 'event', e: makeEvent({ ts: t0 + i * 1_000, session_id: `s${i % 3}`, client: `c${i % 2}`, risk_level: (i % 4) as 0 }) });
  }
  w.close();
  const folder = () => new Folder(SQL, { dataDir: t.dir, segmentSize: 10_000, retentionDays: 36500, maxEvents: 1e9, onWarning: () => {} });
  folder().fold();
  return { dir: t.dir, folder };
}

function onDisk(file: string) {
  const db = new SQL.Database(readFileSync(file));
  try {
    return {
      indexes: (
        db.exec("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name")[0]
          ?.values ?? []
      ).map(([n]) => String(n)),
      plan: (db.exec(`EXPLAIN QUERY PLAN ${SESSIONS_SQL}`)[0]?.values ?? []).map((r) => String(r[3])).join(' | '),
      version: getMeta(db, 'schema_version'),
    };
  } finally {
    db.close();
  }
}

/** Rewrites a segment file without the index, as a build before it saved it. */
function dropIndex(file: string): void {
  const db = new SQL.Database(readFileSync(file));
  db.exec('DROP INDEX events_session');
  writeFileSync(file, db.export());
  db.close();
}

async function sessionsOf(dir: string) {
  const r = await openStoreReader({ dataDir: dir, SQL, onWarning: (m) => assert.fail(m) });
  try {
    return { sessions: r.sessions(), page: r.events({ sessionId: 's1' }, { limit: 5 }).events.map((e) => e.id) };
  } finally {
    r.close();
  }
}

describe('read index events_session', () => {
  it('is in every new segment and the sessions list reads it instead of the rows', () => {
    const { dir } = store(30);
    const [file] = segmentFiles(dir);
    const seg = onDisk(file!);
    assert.deepEqual(seg.indexes, ['events_session', 'events_ts']);
    assert.match(seg.plan, /COVERING INDEX events_session/);
    assert.doesNotMatch(seg.plan, /TEMP B-TREE/, 'no temporary sort for the GROUP BY');
    assert.equal(seg.version, String(STORE_SCHEMA_VERSION), 'no schema version change');
  });

  it('a segment saved without it reads the same; the folder adds it when it next writes the segment', async () => {
    const { dir, folder } = store(30);
    const [file] = segmentFiles(dir);
    const withIndex = await sessionsOf(dir);
    assert.equal(withIndex.sessions.length, 3);
    assert.deepEqual(withIndex.sessions.map((s) => s.events).sort(), [10, 10, 10]);

    dropIndex(file!);
    assert.deepEqual(onDisk(file!).indexes, ['events_ts']);
    assert.deepEqual(await sessionsOf(dir), withIndex, 'the same sessions and pages without the index');

    const w = new JournalWriter(join(dir, 'journal'), 'idx-later');
    w.append({ k: 'event', e: makeEvent({ ts: Date.now() - 1_000, session_id: 's9', client: 'c9' }) });
    w.close();
    folder().fold();
    assert.deepEqual(onDisk(file!).indexes, ['events_session', 'events_ts'], 'added when the folder wrote the segment');
    const after = await sessionsOf(dir);
    assert.deepEqual(after.sessions.slice(1), withIndex.sessions);
    assert.equal(after.sessions[0]?.sessionId, 's9');
  });
});
