// The embedded store's WAL under steady ingest: checkpoints run on the checkpointer's worker
// thread (SQLite's own autocheckpoint is off), and the WAL must still stay bounded — a worker
// pass racing steady writes never lets the WAL restart, so without the event loop finishing
// the remainder past WAL_RESTART_PAGES the file grows with every batch (137 MB after 300
// batches of 500 when that step was missing). Nothing may be lost on the way.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { openCloudStore } from '../../cloud-lite/store/open.ts';
import { SQLITE_FILE } from '../../cloud-lite/store/sqlite.ts';
import { WAL_RESTART_PAGES } from '../../cloud-lite/store/sqlite-checkpointer.ts';
import type { AuditEvent } from '../../core/protocol/event.ts';
import { SAMPLE_EVENT } from '../core/protocol/sample-event.ts';

const dir = mkdtempSync(join(tmpdir(), 'warden-cloud-wal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function walBytes(): number {
  try {
    return statSync(join(dir, SQLITE_FILE + '-wal')).size;
  } catch {
    return 0;
  }
}

test('steady ingest keeps the WAL bounded while checkpoints run off the event loop, and loses nothing', async () => {
  const store = await openCloudStore({ dataDir: dir });
  const batches = 240;
  const size = 500;
  let largest = 0;
  let closed = false;
  after(async () => {
    if (!closed) await store.close();
  });
  for (let b = 0; b < batches; b++) {
    const events: AuditEvent[] = [];
    for (let i = 0; i < size; i++) {
      const n = b * size + i;
      events.push({ ...(SAMPLE_EVENT as AuditEvent), id: `01JWAL${String(n).padStart(20, '0')}`, ts: 1_760_000_000_000 + n });
    }
    const r = await store.insertEvents({ user: 'u1', keyId: 'k1', events, dailyQuota: 1e9, day: '2026-12-03', receivedAt: Date.now() });
    assert.equal(r.accepted.length, size);
    largest = Math.max(largest, walBytes());
    // Let the checkpointer's answers arrive, as they do between requests in the service.
    await new Promise((resolve) => setImmediate(resolve));
  }
  // ~120k events of ~600 bytes: well over 70 MB written through the WAL.
  const bound = 3 * WAL_RESTART_PAGES * 4096;
  assert.ok(largest < bound, `the WAL reached ${(largest / 1e6).toFixed(1)} MB (bound ${(bound / 1e6).toFixed(1)} MB)`);
  closed = true;
  await store.close();

  const db = new Database(join(dir, SQLITE_FILE), { readonly: true });
  try {
    assert.equal((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n, batches * size);
    assert.equal((db.pragma('integrity_check') as { integrity_check: string }[])[0]!.integrity_check, 'ok');
  } finally {
    db.close();
  }
});
