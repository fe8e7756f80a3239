// The built guard runs its folder worker (dist/store-folder.js) only while there is something
// to fold, once the journal has been quiet for a moment. Seen from outside: the worker holds store.lock while it lives and is one thread of
// the guard process; an idle guard has neither.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startShopifyStandin, type ShopifyStandin } from '../../devtools/standins/shopify.ts';
import { makeEvent, storedIdCounts } from '../store/helpers.ts';
import { guardEnv, meta, startGuard, tempDir, waitExit } from '../helpers/guard.ts';

const TOKEN = 'shpat_0123456789abcdef0123456789abcdef';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(25);
  }
}

function threads(pid: number): number {
  return Number(/Threads:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

function lockHolder(dataDir: string): number | null {
  try {
    return (JSON.parse(readFileSync(join(dataDir, 'store.lock'), 'utf8')) as { pid: number }).pid;
  } catch {
    return null;
  }
}

describe('the guard’s folder worker lifecycle', () => {
  let shopify: ShopifyStandin;
  before(async () => {
    shopify = await startShopifyStandin({ token: TOKEN, leakPerSecond: 1_000_000 });
  });
  after(() => shopify?.close());

  it('no worker while idle; a call starts one that folds it and exits once idle again', async () => {
    const dataDir = tempDir();
    const guard = await startGuard(guardEnv({ dataDir, shopify: { ...shopify, token: TOKEN } }));
    try {
      await guard.client.listTools();
      await sleep(1_500);
      assert.equal(lockHolder(dataDir), null, 'an idle guard runs no folder (it would hold store.lock)');

      const r = await guard.call('shopify_rest', { method: 'GET', path: '/products/632910392.json' });
      const id = meta(r).warden.event_id;
      // The worker starts once the journal has been quiet (~2 s), folds, and leaves soon after:
      // watch for it (the lock and a thread) while waiting for the fold.
      let heldByGuard = false;
      let busyThreads = 0;
      await until('the call is folded into a segment without any flush', async () => {
        if (lockHolder(dataDir) === guard.pid) heldByGuard = true;
        busyThreads = Math.max(busyThreads, threads(guard.pid));
        return (await storedIdCounts(dataDir)).get(id) === 1;
      });
      assert.ok(heldByGuard || lockHolder(dataDir) === guard.pid, 'the guard’s own worker folded it');

      await until('the idle worker exits and releases store.lock', () => lockHolder(dataDir) === null);
      await until('its thread is gone', () => threads(guard.pid) < busyThreads, 5_000);

      // The next call starts a worker again.
      const r2 = await guard.call('shopify_rest', { method: 'GET', path: '/products/632910392.json' });
      const id2 = meta(r2).warden.event_id;
      await until('the second call is folded', async () => (await storedIdCounts(dataDir)).get(id2) === 1);
    } finally {
      const pid = guard.pid;
      await guard.close();
      await waitExit(pid, 20_000);
    }
    assert.equal(existsSync(join(dataDir, 'store.lock')), false);
  });

  it('at start, folds the journal a killed guard left behind, then lets its worker go', async () => {
    const dataDir = tempDir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const e = makeEvent();
    mkdirSync(join(dataDir, 'journal'), { recursive: true });
    writeFileSync(
      join(dataDir, 'journal', `killed.${dead}.abc123.000000.ndjson`),
      [
        { k: 'open', pid: dead, instance_id: 'killed', ts: Date.now(), v: e.v },
        { k: 'event', e },
      ]
        .map((l) => JSON.stringify(l) + '\n')
        .join(''),
    );
    const guard = await startGuard(guardEnv({ dataDir, shopify: { ...shopify, token: TOKEN } }));
    try {
      await until('the dead guard’s event is folded with no call made', async () => (await storedIdCounts(dataDir)).get(e.id) === 1);
      await until('the worker exits once idle', () => lockHolder(dataDir) === null);
    } finally {
      const pid = guard.pid;
      await guard.close();
      await waitExit(pid, 20_000);
    }
  });
});
