// Three guard processes write one data dir at once, each with its own folder worker
// contending for the lock: every event is stored exactly once.
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { openAuditReader } from '../../store/index.ts';
import { integrityOfSegments, journalFiles, storedIdCounts, tempDataDir } from './helpers.ts';
import { startWriter } from './processes.ts';

const tmp = tempDataDir();
after(() => tmp.cleanup());

test('3 writer processes x 2,000 events: exactly 6,000 stored, none lost or doubled', async () => {
  const startAt = Date.now() + 2_500;
  const writers = [0, 1, 2].map((i) =>
    startWriter({ dataDir: tmp.dir, instanceId: `w${i}`, count: 2_000, segmentSize: 500, foldIntervalMs: 20, startAt }),
  );
  const codes = await Promise.all(writers.map((w) => w.exited));
  assert.deepEqual(codes, [0, 0, 0], writers.map((w) => w.stderr()).join('\n'));
  const printed = writers.flatMap((w) => w.ids);
  assert.equal(printed.length, 6_000);
  assert.equal(new Set(printed).size, 6_000);
  assert.equal(writers.map((w) => w.stderr()).join(''), '', 'no warnings');
  const counts = await storedIdCounts(tmp.dir);
  assert.equal(counts.size, 6_000);
  for (const id of printed) assert.equal(counts.get(id), 1);
  assert.ok((await integrityOfSegments(tmp.dir)).every((r) => r.verdict === 'ok'));
  assert.deepEqual(journalFiles(tmp.dir), [], 'every writer closed and its journal was folded and deleted');
  const r = await openAuditReader(tmp.dir);
  assert.equal(r.count(), 6_000);
  assert.equal([...r.iterate()].length, 6_000);
  r.close();
});
