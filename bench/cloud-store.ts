// cloud-lite store benchmark: `node --import tsx bench/cloud-store.ts`
// insertEvents of a 500-event batch (all new, one transaction with the quota count), median and
// p90 of 50 batches, on the embedded SQLite store (temp dir) and on PostgreSQL (a private server
// from test/helpers/services.ts, loopback); then the same 500 retried (all duplicates) and a
// 100-event page read.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCloudStore } from '../cloud-lite/store/open.ts';
import type { CloudStore, CloudStoreOptions } from '../cloud-lite/store/types.ts';
import { parseAuditEvent } from '../core/protocol/event.ts';
import { SAMPLE_EVENT } from '../test/core/protocol/sample-event.ts';
import { startPostgres } from '../test/helpers/services.ts';

const BASE = parseAuditEvent(SAMPLE_EVENT)!;
const RUNS = 50;

const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;
const fmt = (xs: number[]): string => `median ${quantile(xs, 0.5).toFixed(2)} ms, p90 ${quantile(xs, 0.9).toFixed(2)} ms`;

async function measure(name: string, opts: CloudStoreOptions): Promise<void> {
  const store: CloudStore = await openCloudStore(opts);
  const batches = Array.from({ length: RUNS }, (_, b) =>
    Array.from({ length: 500 }, (_, i) => ({
      ...BASE,
      id: `01JB${String(b).padStart(4, '0')}${String(i).padStart(6, '0')}`,
      ts: BASE.ts + b * 500 + i,
    })),
  );
  const insert: number[] = [];
  const retry: number[] = [];
  const page: number[] = [];
  for (const events of batches) {
    const input = { user: 'bench', keyId: 'k', events, dailyQuota: 1e9, day: '2026-12-03', receivedAt: Date.now() };
    let t = performance.now();
    const r = await store.insertEvents(input);
    insert.push(performance.now() - t);
    if (r.accepted.length !== 500) throw new Error('not all accepted');
    t = performance.now();
    await store.insertEvents(input);
    retry.push(performance.now() - t);
    t = performance.now();
    await store.pageEvents({ user: 'bench', limit: 100, cursor: null });
    page.push(performance.now() - t);
  }
  console.log(`${name}: insertEvents 500 new: ${fmt(insert)}`);
  console.log(`${name}: insertEvents 500 duplicates: ${fmt(retry)}`);
  console.log(`${name}: pageEvents 100: ${fmt(page)}`);
  await store.close();
}

const dir = mkdtempSync(join(tmpdir(), 'warden-cloud-store-bench-'));
try {
  await measure('sqlite', { dataDir: join(dir, 'data') });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const pg = await startPostgres();
try {
  await measure('postgres', { dataDir: dir, databaseUrl: pg.createDatabase('bench') });
} finally {
  await pg.destroy();
}
