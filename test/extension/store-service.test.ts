// The window's store service (extension/src/store-service.ts): when a view opens the reader as
// the extension starts, the watch opens after the reader (so the first page does not queue
// behind the watch's own load); what was written between the reader's snapshot and the watch
// opening is then caught up once (an empty batch on onDidWatch, the reader refreshed), not lost.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { JournalWriter } from '../../store/journal.ts';
import type { StoreReader, WatchBatch } from '../../store/read/index.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { Folder } from '../../store/writer/folder.ts';
import type { StoreService } from '../../extension/src/store-service.ts';
import { makeEvent, tempDataDir } from '../store/helpers.ts';
import { loadBundled } from './load-bundled.ts';

const wasmPath = createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');
const log = { info() {}, warn() {}, error() {}, debug() {}, trace() {} };

describe('store service', () => {
  let t: ReturnType<typeof tempDataDir>;
  let loaded: Awaited<ReturnType<typeof loadBundled<{ svc: { StoreService: typeof StoreService } }>>>;
  let journal: JournalWriter;

  before(async () => {
    t = tempDataDir();
    mkdirSync(join(t.dir, 'journal'), { recursive: true });
    journal = new JournalWriter(join(t.dir, 'journal'), 'writer-a');
    journal.append({ k: 'event', e: makeEvent({ ts: Date.now() - 60_000, session_id: 'sess-a' }) });
    new Folder(await loadSqlJs(), { dataDir: t.dir, segmentSize: 1000, retentionDays: 36500, maxEvents: 1e9, onWarning: () => {} }).fold();
    loaded = await loadBundled({ svc: 'extension/src/store-service.ts' });
  });
  after(() => {
    journal.close();
    loaded.restore();
    t.cleanup();
  });

  it('an event written between the reader opening and the watch opening reaches the views', async () => {
    const svc = new loaded.modules.svc.StoreService(t.dir, wasmPath, log as never);
    try {
      const batches: WatchBatch[] = [];
      const watched = new Promise<void>((resolve) =>
        svc.onDidWatch((b) => {
          batches.push(b);
          resolve();
        }),
      );
      const opening = svc.reader(); // a view asks for its first page as the extension starts
      svc.start();
      const r: StoreReader = await opening;
      assert.equal(r.count(), 1);
      const late = makeEvent({ ts: Date.now(), session_id: 'sess-a' });
      journal.append({ k: 'event', e: late }); // after the reader's snapshot, before the watch opened
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
      assert.notEqual(await Promise.race([watched, timeout]), 'timeout', 'the views were told');
      assert.deepEqual(batches[0], { events: [], alerts: [], intents: [] }, 'a catch-up: reload everything');
      assert.equal(r.count(), 2);
      assert.equal(r.events({}, { limit: 1 }).events[0]?.id, late.id);
    } finally {
      svc.dispose();
    }
  });
});
