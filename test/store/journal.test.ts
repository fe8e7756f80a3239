import { strict as assert } from 'node:assert';
import { appendFileSync, closeSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { JournalWriter, parseJournalLine, parseJournalName, readJournalLines } from '../../store/journal.ts';
import type { JournalLine } from '../../store/journal.ts';
import { makeAlert, makeEvent, tempDataDir } from './helpers.ts';

const tmp = tempDataDir();
after(() => tmp.cleanup());

function readAll(path: string, from = 0): JournalLine[] {
  const fd = openSync(path, 'r');
  try {
    return [...readJournalLines(fd, from, statSync(path).size)];
  } finally {
    closeSync(fd);
  }
}

function newDir(name: string): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

test('records round-trip: one line each, open first and end last', () => {
  const dir = newDir('roundtrip');
  const w = new JournalWriter(dir, 'win/1');
  const e = makeEvent();
  const a = makeAlert({ event_ids: [e.id] });
  w.append({ k: 'intent', e: { ...e, outcome: 'error', error: 'interrupted' } });
  w.append({ k: 'event', e });
  w.append({ k: 'alert', a });
  const { name, offset } = w.position();
  w.close();
  const path = join(dir, name);
  assert.equal(statSync(path).size > offset, true, 'close appends the end record');
  const lines = readAll(path);
  assert.deepEqual(
    lines.map((l) => l.record?.k),
    ['open', 'intent', 'event', 'alert', 'end'],
  );
  assert.deepEqual(lines[2]?.record, { k: 'event', e });
  assert.deepEqual(lines[3]?.record, { k: 'alert', a });
  assert.equal(lines.at(-1)?.end, statSync(path).size);
  const parsed = parseJournalName(name);
  assert.equal(parsed?.pid, process.pid);
  assert.equal(parsed?.seq, 0);
  assert.match(name, /^win_1\./, 'unsafe characters of the instance id are replaced');
  assert.throws(() => w.append({ k: 'event', e }), /closed/);
});

test('a torn trailing line is not consumed until it is completed', () => {
  const dir = newDir('torn');
  const w = new JournalWriter(dir, 'torn');
  w.append({ k: 'event', e: makeEvent() });
  const path = join(dir, w.position().name);
  const full = JSON.stringify({ k: 'event', e: makeEvent() }) + '\n';
  appendFileSync(path, full.slice(0, 40));
  const before = readAll(path);
  assert.equal(before.length, 2);
  const folded = before.at(-1)!.end;
  assert.equal(readAll(path, folded).length, 0, 'nothing complete past the folded offset');
  appendFileSync(path, full.slice(40));
  const rest = readAll(path, folded);
  assert.equal(rest.length, 1);
  assert.equal(rest[0]?.record?.k, 'event');
  assert.equal(rest[0]?.end, statSync(path).size);
});

test('bad lines are reported as invalid and skipped, good ones around them survive', () => {
  const dir = newDir('bad');
  const path = join(dir, 'x.1.abc.000000.ndjson');
  const good = makeEvent();
  const lines = [
    '{not json',
    JSON.stringify({ k: 'event', e: { ...good, risk_level: 7 } }),
    JSON.stringify({ k: 'event', e: { ...good, pii: null } }),
    JSON.stringify({ k: 'mystery' }),
    JSON.stringify([1, 2]),
    '',
    JSON.stringify({ k: 'event', e: good }),
    JSON.stringify({ k: 'alert', a: { ...makeAlert(), severity: 'meh' } }),
  ];
  appendFileSync(path, lines.join('\n') + '\n');
  const got = readAll(path);
  assert.equal(got.filter((l) => l.record === null).length, 6);
  assert.deepEqual(
    got.filter((l) => l.record !== null).map((l) => l.record),
    [{ k: 'event', e: good }],
  );
  assert.equal(got.at(-1)?.end, statSync(path).size);
});

test('an over-long line is skipped as one invalid line', () => {
  const dir = newDir('long');
  const path = join(dir, 'x.1.abc.000000.ndjson');
  const e = makeEvent();
  appendFileSync(path, 'x'.repeat(3 * 1024 * 1024) + '\n' + JSON.stringify({ k: 'event', e }) + '\n');
  const got = readAll(path);
  assert.equal(got.length, 2);
  assert.equal(got[0]?.record, null);
  assert.deepEqual(got[1]?.record, { k: 'event', e });
});

test('the writer rotates to a new file and marks the old one ended', () => {
  const dir = newDir('rotate');
  const w = new JournalWriter(dir, 'rot', 2_000);
  const ids: string[] = [];
  for (let i = 0; i < 30; i++) {
    const e = makeEvent();
    ids.push(e.id);
    w.append({ k: 'event', e });
  }
  w.close();
  const files = readdirSync(dir).sort();
  assert.ok(files.length > 2, `rotated into ${files.length} files`);
  const names = files.map((f) => parseJournalName(f));
  assert.ok(
    names.every((n) => n !== null && n.writer === names[0]?.writer),
    'one writer, several seqs',
  );
  const seen: string[] = [];
  for (const [i, f] of files.entries()) {
    const recs = readAll(join(dir, f)).map((l) => l.record);
    assert.equal(recs[0]?.k, 'open');
    const last = recs.at(-1);
    assert.equal(last?.k, 'end');
    assert.equal(last?.k === 'end' && last.reason, i === files.length - 1 ? 'close' : 'rotate');
    for (const r of recs) if (r?.k === 'event') seen.push(r.e.id);
  }
  assert.deepEqual(seen, ids);
});

test('parseJournalLine rejects records of the wrong shape', () => {
  assert.equal(parseJournalLine('{"k":"open","pid":"1","instance_id":"a","ts":1}'), null);
  assert.equal(parseJournalLine('{"k":"end","reason":"crash","ts":1}'), null);
  assert.deepEqual(parseJournalLine('{"k":"end","reason":"close","ts":1}'), { k: 'end', reason: 'close', ts: 1 });
  assert.equal(parseJournalName('segment-000001.sqlite'), null);
  assert.equal(parseJournalName('../x.1.abc.000000.ndjson'), null);
});
