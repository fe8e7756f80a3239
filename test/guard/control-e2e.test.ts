// Control file v2 end to end, with the BUILT guard over stdio and the built CLI: a pause from
// the CLI applies to the very next call (no poll to wait for), reads pass while writes are
// paused, a critical alert auto-pauses writes in this guard and in a second guard process on
// the same data dir, and both off switches (WARDEN_AUTO_PAUSE=off, the file's auto_pause) work.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startShopifyStandin, type ShopifyStandin } from '../../devtools/standins/shopify.ts';
import { GUARD, guardEnv, meta, startGuard, tempDir, text, type GuardHandle } from '../helpers/guard.ts';

const TOKEN = 'shpat_c0n7r01c0n7r01c0n7r01c0n7r01c0';

function control(dataDir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [GUARD, 'control', ...args, '--data-dir', dataDir], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const read = (g: GuardHandle) => g.call('shopify_rest', { method: 'GET', path: '/shop.json' });
const write = (g: GuardHandle) => g.call('shopify_rest', { method: 'POST', path: '/products.json', body: { product: { title: 'New' } } });
/** The call reached the upstream (a refusal has no status header block). */
const forwarded = (r: Awaited<ReturnType<GuardHandle['call']>>) => typeof meta(r).status === 'number';
const del = (g: GuardHandle, id: number) => g.call('shopify_rest', { method: 'DELETE', path: `/products/${id}.json` });

const PAUSED_WRITES =
  /^Warden paused agent writes .* at \d\d:\d\d.*\. Reads still pass\. The user resumes with "Warden: Resume Agent Writes" in VS Code or `warden-guard control resume`\.\n/;

describe('control file v2 end to end', () => {
  let shopify: ShopifyStandin;
  before(async () => {
    shopify = await startShopifyStandin({ token: TOKEN });
  });
  after(() => shopify?.close());
  const env = (dataDir: string, extra: Record<string, string> = {}) => guardEnv({ dataDir, shopify: { ...shopify, token: TOKEN }, extra });
  const writesUpstream = () => shopify.requests.filter((r) => r.method !== 'GET').length;

  it('CLI pause --writes: the very next write is refused with who/when/why/how, a read passes; resume lets writes through', async () => {
    const dataDir = tempDir();
    const guard = await startGuard(env(dataDir));
    try {
      assert.ok(forwarded(await write(guard)), 'writes pass before the pause');
      const paused = control(dataDir, 'pause', '--writes', '--reason', 'checking the catalogue first');
      assert.equal(paused.code, 0, paused.err);
      shopify.requests.length = 0;
      const refused = await write(guard); // no wait: the guard checks the file on every call
      assert.equal(refused.isError, true);
      assert.match(text(refused), PAUSED_WRITES);
      assert.match(text(refused), /^Warden paused agent writes from the command line at \d\d:\d\d: checking the catalogue first\. /);
      assert.match(text(refused), /"outcome":"blocked"/);
      const refusedDelete = await del(guard, 921728736);
      assert.match(text(refusedDelete), PAUSED_WRITES);
      assert.equal(writesUpstream(), 0, 'no write reached the upstream');
      assert.equal(meta(await read(guard)).status, 200, 'reads still pass');

      const status = JSON.parse(text(await guard.call('warden_status', {})));
      assert.equal(status.paused, true);
      assert.equal(status.pause.scope, 'writes');
      assert.equal(status.pause.by, 'CLI');
      assert.equal(status.pause.reason, 'checking the catalogue first');
      assert.match(status.pause.at, /^\d{4}-\d\d-\d\dT/);
      assert.deepEqual(status.auto_pause, { on: true, guard: 'on', control_file: 'unset' });

      assert.equal(control(dataDir, 'resume').code, 0);
      assert.ok(forwarded(await write(guard)), 'the very next write passes after resume');
      assert.equal(JSON.parse(text(await guard.call('warden_status', {}))).pause, null);
    } finally {
      await guard.close();
    }
  });

  it('CLI pause --all refuses reads too; policy block from the CLI applies at once', async () => {
    const dataDir = tempDir();
    const guard = await startGuard(env(dataDir));
    try {
      assert.equal(control(dataDir, 'pause', '--all', '--reason', 'maintenance').code, 0);
      const r = await read(guard);
      assert.match(
        text(r),
        /^Warden paused all agent calls from the command line at \d\d:\d\d: maintenance\. Nothing reaches the API, reads included\. /,
      );
      assert.equal(control(dataDir, 'resume').code, 0);
      assert.equal(control(dataDir, 'policy', 'block').code, 0);
      assert.match(text(await del(guard, 632910392)), /blocked by policy/);
      assert.equal(JSON.parse(text(await guard.call('warden_status', {}))).policy, 'block');
    } finally {
      await guard.close();
    }
  });

  it('three deletes raise the critical alert and pause writes in this guard and in a second guard on the same data dir', async () => {
    const dataDir = tempDir();
    const [a, b] = await Promise.all([startGuard(env(dataDir), { name: 'agent-a' }), startGuard(env(dataDir), { name: 'agent-b' })]);
    try {
      assert.ok(forwarded(await write(b)), 'guard B writes before the alert');
      for (const id of [632910392, 921728736, 1071559571]) await del(a, id);
      const alert = a.notifications.find((n) => n.data.rule === 'consecutive_deletes');
      assert.ok(alert, 'the critical alert was sent');
      assert.equal(alert.level, 'critical');
      assert.equal(alert.data.paused_writes, true, 'the notification says it paused writes');

      shopify.requests.length = 0;
      const here = await write(a);
      assert.match(text(here), PAUSED_WRITES);
      assert.match(text(here), /automatically after a critical alert at \d\d:\d\d: 3 delete calls in a row/);
      const there = await write(b);
      assert.match(text(there), PAUSED_WRITES, 'the second guard refuses its very next write');
      assert.match(text(there), /"outcome":"blocked"/);
      assert.equal(writesUpstream(), 0);
      assert.equal(meta(await read(b)).status, 200, 'reads still pass in the second guard');

      const file = JSON.parse(readFileSync(join(dataDir, 'control.json'), 'utf8'));
      assert.equal(file.pause.by, 'auto-pause');
      assert.equal(file.pause.alert_id, alert.data.id);
      const status = JSON.parse(text(await b.call('warden_status', {})));
      assert.equal(status.pause.by, 'auto-pause');
      assert.equal(status.pause.alert_id, alert.data.id);

      // More refused deletes keep the run going (an agent still trying to delete): alerts, no new pause.
      for (const id of [1, 2, 3]) await del(a, id);
      const again = a.notifications.filter((n) => n.data.rule === 'consecutive_deletes');
      assert.equal(again.length, 2);
      assert.equal(again[1]!.data.paused_writes, undefined, 'already paused: this alert did not pause');

      const resumed = control(dataDir, 'resume');
      assert.equal(resumed.code, 0);
      assert.ok(forwarded(await write(a)));
      assert.ok(forwarded(await write(b)));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('WARDEN_AUTO_PAUSE=off: the alert is raised but nothing is paused', async () => {
    const dataDir = tempDir();
    const guard = await startGuard(env(dataDir, { WARDEN_AUTO_PAUSE: 'off' }));
    try {
      for (const id of [632910392, 921728736, 1071559571]) await del(guard, id);
      const alert = guard.notifications.find((n) => n.data.rule === 'consecutive_deletes');
      assert.ok(alert);
      assert.equal(alert.data.paused_writes, undefined);
      assert.ok(forwarded(await write(guard)));
      assert.equal(existsSync(join(dataDir, 'control.json')), false, 'no control file written');
      assert.deepEqual(JSON.parse(text(await guard.call('warden_status', {}))).auto_pause, {
        on: false,
        guard: 'off',
        control_file: 'unset',
      });
    } finally {
      await guard.close();
    }
  });

  it('the control file turns auto-pause off for every guard (control auto-pause off)', async () => {
    const dataDir = tempDir();
    assert.equal(control(dataDir, 'auto-pause', 'off').code, 0);
    const guard = await startGuard(env(dataDir));
    try {
      for (const id of [632910392, 921728736, 1071559571]) await del(guard, id);
      assert.ok(guard.notifications.some((n) => n.data.rule === 'consecutive_deletes' && n.data.paused_writes === undefined));
      assert.ok(forwarded(await write(guard)));
      assert.deepEqual(JSON.parse(text(await guard.call('warden_status', {}))).auto_pause, { on: false, guard: 'on', control_file: 'off' });
    } finally {
      await guard.close();
    }
  });

  it('a malformed WARDEN_AUTO_PAUSE stops the guard with a one-line reason and exit code 2', () => {
    const r = spawnSync(process.execPath, [GUARD], {
      env: { ...process.env, ...env(tempDir(), { WARDEN_AUTO_PAUSE: 'maybe' }) },
      input: '',
      encoding: 'utf8',
    });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'warden-guard: WARDEN_AUTO_PAUSE must be on or off (or true/false, 1/0), got "maybe"\n');
  });
});
