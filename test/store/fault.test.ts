// kill -9 at random moments: no event whose record() returned is lost or stored twice, and
// every segment file is a sound SQLite database after every kill.
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { AuditStore, openAuditReader } from '../../store/index.ts';
import { integrityOfSegments, journalFiles, segmentFiles, storedIdCounts, tempDataDir } from './helpers.ts';
import { startWriter } from './processes.ts';

const tmp = tempDataDir();
after(() => tmp.cleanup());

test('20 random SIGKILLs of a writing guard lose and duplicate nothing', async () => {
  const printed: string[] = [];
  for (let round = 0; round < 20; round++) {
    const w = startWriter({ dataDir: tmp.dir, instanceId: `kill-${round}`, count: 0, segmentSize: 300, foldIntervalMs: 20 });
    await w.ready;
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 400));
    w.child.kill('SIGKILL');
    const code = await w.exited;
    assert.equal(code, null, `round ${round} writer should be killed, stderr: ${w.stderr()}`);
    assert.ok(w.ids.length > 0, `round ${round} recorded nothing: ${w.stderr()}`);
    printed.push(...w.ids);
    for (const r of await integrityOfSegments(tmp.dir)) assert.equal(r.verdict, 'ok', `round ${round}: ${r.file}`);
  }
  // A fresh guard takes the stale lock, folds every journal, promotes interrupted intents.
  const warnings: string[] = [];
  const store = AuditStore.open({
    dataDir: tmp.dir,
    instanceId: 'after',
    segmentSize: 300,
    foldIntervalMs: 20,
    onWarning: (m) => warnings.push(m),
  });
  await store.flush();
  await store.close();
  const counts = await storedIdCounts(tmp.dir);
  for (const id of printed) assert.equal(counts.get(id), 1, `printed id ${id} stored ${counts.get(id) ?? 0} times`);
  assert.ok(
    [...counts.values()].every((c) => c === 1),
    'no duplicates',
  );
  // Stored but never printed: killed between record() and the print, or an interrupted intent.
  assert.ok(counts.size - printed.length <= 2 * 20, `${counts.size - printed.length} unprinted events`);
  assert.ok(segmentFiles(tmp.dir).length > 1, 'segments rolled during the run');
  assert.deepEqual(journalFiles(tmp.dir), [], 'journals of dead writers are deleted once folded');
  const r = await openAuditReader(tmp.dir);
  assert.equal(r.count(), counts.size);
  r.close();
  assert.deepEqual(
    warnings.filter((m) => !m.includes('invalid line')),
    [],
  );
});
