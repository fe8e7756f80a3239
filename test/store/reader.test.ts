import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { AuditEvent } from '../../core/types.ts';
import { Folder } from '../../store/writer/folder.ts';
import { JournalWriter } from '../../store/journal.ts';
import { openAuditReader } from '../../store/index.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { makeAlert, makeEvent, tempDataDir } from './helpers.ts';

const tmps: (() => void)[] = [];
after(() => tmps.forEach((c) => c()));
const SQL = await loadSqlJs();

function setup(segmentSize = 100) {
  const t = tempDataDir();
  tmps.push(t.cleanup);
  mkdirSync(join(t.dir, 'journal'), { recursive: true });
  const folder = new Folder(SQL, { dataDir: t.dir, segmentSize, retentionDays: 36500, maxEvents: 1e9, onWarning: () => {} });
  return { dir: t.dir, folder, journal: (id = 'r') => new JournalWriter(join(t.dir, 'journal'), id) };
}

const byNewest = (a: AuditEvent, b: AuditEvent) => b.ts - a.ts || (a.id < b.id ? 1 : -1);

test('latest merges folded segments, pending intents and the journal tail by id', async () => {
  const s = setup();
  const w = s.journal();
  const base = Date.now() - 100_000;
  const folded = Array.from({ length: 150 }, (_, i) => makeEvent({ ts: base + i }));
  for (const e of folded) w.append({ k: 'event', e });
  const pendingIntent = makeEvent({ ts: base + 200, outcome: 'error', error: 'interrupted' });
  w.append({ k: 'intent', e: pendingIntent });
  s.folder.fold();
  // Not folded yet: an intent completed in the tail, an open intent, a plain event, an alert.
  const completed = { ...pendingIntent, outcome: 'forwarded' as const, error: null };
  const openIntent = makeEvent({ ts: base + 300, outcome: 'error', error: 'interrupted' });
  const tailEvent = makeEvent({ ts: base + 400, platform: 'meta', risk_level: 3 });
  const alert = makeAlert({ ts: base + 401 });
  w.append({ k: 'event', e: completed });
  w.append({ k: 'intent', e: openIntent });
  w.append({ k: 'event', e: tailEvent });
  w.append({ k: 'alert', a: alert });
  // A torn line at the end is ignored.
  appendFileSync(join(s.dir, 'journal', w.position().name), '{"k":"event","e":{"id":"to');
  const r = await openAuditReader(s.dir);
  const top = r.latest(4);
  assert.deepEqual(
    top.map((e) => e.id),
    [tailEvent.id, openIntent.id, pendingIntent.id, folded[149]!.id],
  );
  assert.equal(top[2]?.outcome, 'forwarded', 'the final event overrides its intent');
  assert.equal(top[1]?.outcome, 'error', 'an intent with no final event shows as provisional');
  assert.equal(r.count(), 153);
  assert.deepEqual(
    r.alerts(5).map((a) => a.id),
    [alert.id],
  );
  assert.deepEqual(
    r.latest(10, { platform: 'meta' }).map((e) => e.id),
    [tailEvent.id],
  );
  assert.deepEqual(
    r.latest(10, { minRisk: 3 }).map((e) => e.id),
    [tailEvent.id],
  );
  assert.deepEqual(
    r.latest(3, { until: base + 10, since: base + 8 }).map((e) => e.id),
    [folded[10]!.id, folded[9]!.id, folded[8]!.id],
  );
  r.close();
  assert.throws(() => r.latest(1), /closed/);
});

test('iterate returns every event newest-first across segments whose time ranges overlap', async () => {
  const s = setup(50);
  const early = s.journal('early');
  const late = s.journal('late');
  const base = Date.now() - 1_000_000;
  const all: AuditEvent[] = [];
  for (let i = 0; i < 620; i++) {
    const e = makeEvent({ ts: base + 1000 + i * 10, session_id: i % 2 ? 'odd' : 'even' });
    late.append({ k: 'event', e });
    all.push(e);
  }
  s.folder.fold();
  // A guard whose journal is folded later, with older timestamps (e.g. it was dead for a while).
  for (let i = 0; i < 80; i++) {
    const e = makeEvent({ ts: base + i * 20, tool: 'meta_request' });
    early.append({ k: 'event', e });
    all.push(e);
  }
  s.folder.fold();
  const alerts = [makeAlert({ ts: base + 5 }), makeAlert({ ts: base + 50_000 })];
  for (const a of alerts) late.append({ k: 'alert', a });
  s.folder.fold();
  const r = await openAuditReader(s.dir);
  const expected = [...all].sort(byNewest);
  assert.deepEqual(
    [...r.iterate()].map((e) => e.id),
    expected.map((e) => e.id),
  );
  assert.deepEqual(
    r.latest(30).map((e) => e.id),
    expected.slice(0, 30).map((e) => e.id),
  );
  assert.deepEqual(
    [...r.iterate({ sessionId: 'odd' })].map((e) => e.id),
    expected.filter((e) => e.session_id === 'odd').map((e) => e.id),
  );
  assert.deepEqual(
    r.latest(1000, { tool: 'meta_request', since: base + 500 }).map((e) => e.id),
    expected.filter((e) => e.tool === 'meta_request' && e.ts >= base + 500).map((e) => e.id),
  );
  assert.equal(r.count(), 700);
  assert.deepEqual(
    r.alerts(10).map((a) => a.id),
    [alerts[1]!.id, alerts[0]!.id],
  );
  assert.deepEqual(r.latest(0), []);
  r.close();
});

test('a reader of an empty or missing data dir returns nothing', async () => {
  const t = tempDataDir();
  tmps.push(t.cleanup);
  const r = await openAuditReader(join(t.dir, 'nothing-here'));
  assert.deepEqual(r.latest(10), []);
  assert.deepEqual([...r.iterate()], []);
  assert.equal(r.count(), 0);
  r.close();
});
