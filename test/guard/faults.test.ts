// Faults through the real guard: 20 random kill -9 under load, and 3 guards × 2,000 calls on
// one data dir. Every call whose response reached the client is stored exactly once, and
// every database file opens cleanly (integrity_check) after every kill.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startShopifyStandin, type ShopifyStandin } from '../../devtools/standins/shopify.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { guardEnv, meta, startGuard, tempDir, waitExit, type GuardHandle } from '../helpers/guard.ts';

const TOKEN = 'shpat_f4u17f4u17f4u17f4u17f4u17f4u17f4';

/** Every event id in every segment file, with how many times it occurs; checks each file's integrity. */
async function storedIds(dataDir: string): Promise<{ counts: Map<string, number>; outcomes: Map<string, string> }> {
  const SQL = await loadSqlJs();
  const dbDir = join(dataDir, 'db');
  const counts = new Map<string, number>();
  const outcomes = new Map<string, string>();
  let names: string[] = [];
  try {
    names = readdirSync(dbDir).filter((n) => /^segment-\d{6}\.sqlite$/.test(n));
  } catch {
    /* nothing folded yet */
  }
  for (const name of names) {
    const db = new SQL.Database(readFileSync(join(dbDir, name)));
    try {
      const check = db.exec('PRAGMA integrity_check')[0]?.values[0]?.[0];
      assert.equal(check, 'ok', `${name} integrity`);
      const rows = db.exec('SELECT id, outcome FROM events')[0]?.values ?? [];
      for (const [id, outcome] of rows) {
        counts.set(String(id), (counts.get(String(id)) ?? 0) + 1);
        outcomes.set(String(id), String(outcome));
      }
    } finally {
      db.close();
    }
  }
  return { counts, outcomes };
}

function env(shopify: ShopifyStandin, dataDir: string) {
  return guardEnv({ dataDir, shopify: { ...shopify, token: TOKEN } });
}

/** Keeps `concurrency` calls in flight until stopped or `total` is reached; returns acked event ids. */
async function load(guard: GuardHandle, opts: { concurrency: number; total?: number; stop?: () => boolean }): Promise<string[]> {
  const acked: string[] = [];
  let started = 0;
  const worker = async () => {
    while (!(opts.stop?.() ?? false) && (opts.total === undefined || started < opts.total)) {
      started++;
      const write = started % 4 === 0;
      try {
        const r = write
          ? await guard.call('shopify_rest', {
              method: 'PUT',
              path: '/products/632910392.json',
              body: { product: { title: `t${started}` } },
            })
          : await guard.call('shopify_rest', { method: 'GET', path: '/products.json', query: { limit: 1 } });
        acked.push(meta(r).warden.event_id);
      } catch {
        return; // the guard was killed: this response never reached the client
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return acked;
}

describe('faults through the guard', () => {
  let shopify: ShopifyStandin;
  before(async () => {
    // A bucket that leaks fast: under load the guard would otherwise (rightly) pace itself.
    shopify = await startShopifyStandin({ token: TOKEN, leakPerSecond: 1_000_000 });
  });
  after(() => shopify?.close());

  it('20 random kill -9 under load: every acknowledged call stored exactly once, DB always clean', async () => {
    const dataDir = tempDir('warden-kill-');
    const acked: string[] = [];
    for (let round = 0; round < 20; round++) {
      const guard = await startGuard(env(shopify, dataDir));
      let killed = false;
      const running = load(guard, { concurrency: 8, stop: () => killed });
      await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 600)));
      process.kill(guard.pid, 'SIGKILL');
      killed = true;
      acked.push(...(await running));
      await waitExit(guard.pid);
      await guard.close().catch(() => {});
      await storedIds(dataDir); // integrity of every file right after the kill
    }
    assert.ok(acked.length > 200, `load was real: ${acked.length} acknowledged calls`);
    // A clean start and stop folds what the killed guards left in their journals.
    const last = await startGuard(env(shopify, dataDir));
    const pid = last.pid;
    await last.close();
    await waitExit(pid);
    const { counts, outcomes } = await storedIds(dataDir);
    const missing = acked.filter((id) => !counts.has(id));
    const dupes = [...counts].filter(([, n]) => n > 1);
    assert.deepEqual(missing, [], 'no acknowledged call lost');
    assert.deepEqual(dupes, [], 'no event stored twice');
    for (const id of acked) assert.equal(outcomes.get(id), 'forwarded', `final outcome of acked ${id}`);
  });

  it('3 guards × 2,000 calls on one data dir → 6,000 events, no loss, no duplicates', async () => {
    const dataDir = tempDir('warden-3x-');
    const guards = await Promise.all([0, 1, 2].map(() => startGuard(env(shopify, dataDir))));
    const acked = (await Promise.all(guards.map((g) => load(g, { concurrency: 8, total: 2000 })))).flat();
    assert.equal(acked.length, 6000);
    await Promise.all(
      guards.map(async (g) => {
        const pid = g.pid;
        await g.close();
        await waitExit(pid, 30_000);
      }),
    );
    const { counts } = await storedIds(dataDir);
    assert.equal(counts.size, 6000);
    assert.deepEqual(
      [...counts].filter(([, n]) => n > 1),
      [],
    );
    assert.deepEqual(
      acked.filter((id) => !counts.has(id)),
      [],
    );
  });
});
