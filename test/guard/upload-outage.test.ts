// A cloud outage seen from a real guard (dist/guard-server.js over stdio, SDK client): the guard
// is configured with WARDEN_CLOUD_URL to a cloud-lite (the built bundle, embedded) that is DOWN
// for 2 minutes while the guard records 1,000 tool calls against a local upstream; then the cloud
// starts on that address and receives all 1,000 events exactly once (paged back through
// GET /v1/events: 1,000 ids, unique, the same as the guard's own audit log), with no duplicate
// reported to the uploader. The time from the cloud's start to the last arrival is printed as
// a diagnostic, not asserted (DESIGN.md: within about one upload interval).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { readStatus } from '../../guard-server/upload/state.ts';
import { createKeyCli, listAllEventIds, startCloudLite, type CloudLiteProcess } from '../helpers/cloud-lite.ts';
import { GUARD, auditEvents, guardEnv, startGuard, tempDir, type GuardHandle } from '../helpers/guard.ts';
import { freePort } from '../helpers/services.ts';

const EVENTS = 1000;
const OUTAGE_MS = 120_000;
const INTERVAL_MS = 5_000;

describe('uploader: cloud-lite down 2 minutes while the guard records 1,000 events', () => {
  let upstream: Server;
  let upstreamPort: number;
  let guard: GuardHandle | undefined;
  let cloud: CloudLiteProcess | undefined;
  const dirs: string[] = [];

  before(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('{"ok":true}'));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamPort = (upstream.address() as AddressInfo).port;
  });
  after(async () => {
    await guard?.close();
    await cloud?.stop();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('all 1,000 arrive exactly once after the cloud starts', { timeout: 240_000 }, async (t) => {
    const cloudDir = tempDir('warden-cloud-outage-');
    const guardDir = tempDir('warden-guard-outage-');
    dirs.push(cloudDir, guardDir);
    const cloudEnv = { CLOUD_LITE_DATA_DIR: cloudDir, CLOUD_LITE_QUOTA_PRO: '100000' };
    // The key exists before the service ever runs (the CLI opens the store itself).
    const key = createKeyCli(cloudEnv, 'outage', 'pro');
    const port = await freePort();
    const cloudUrl = `http://127.0.0.1:${port}`;

    const downSince = Date.now();
    const g = await startGuard(
      guardEnv({
        dataDir: guardDir,
        extra: {
          WARDEN_HTTP_ALLOW: `127.0.0.1:${upstreamPort}`,
          WARDEN_CLOUD_URL: cloudUrl,
          WARDEN_CLOUD_KEY_ID: key.keyId,
          WARDEN_CLOUD_SECRET: key.secret,
          WARDEN_UPLOAD_INTERVAL_MS: String(INTERVAL_MS),
        },
      }),
    );
    guard = g;
    for (let i = 0; i < EVENTS; i++) {
      const r = await g.call('http_request', { method: 'GET', url: `http://127.0.0.1:${upstreamPort}/items/${i}` });
      assert.equal(r.isError, false);
    }
    // The uploader fails against the closed port and says so; the guard keeps serving.
    let status = readStatus(guardDir);
    while (status?.last_error == null && Date.now() < downSince + OUTAGE_MS) {
      await sleep(200);
      status = readStatus(guardDir);
    }
    assert.ok(status?.last_error, 'the outage shows as the last error');
    assert.equal(status.accepted_total, 0);

    await sleep(Math.max(0, downSince + OUTAGE_MS - Date.now()));
    cloud = await startCloudLite({ ...cloudEnv, CLOUD_LITE_PORT: String(port) });
    const upAt = Date.now();

    let ids: string[] = [];
    const until = Date.now() + 90_000;
    while (ids.length < EVENTS && Date.now() < until) {
      await sleep(250);
      ids = await listAllEventIds(cloud.url, key);
    }
    t.diagnostic(
      `all ${ids.length} events arrived ${((Date.now() - upAt) / 1000).toFixed(1)} s after the cloud started (interval ${INTERVAL_MS / 1000} s)`,
    );
    assert.equal(ids.length, EVENTS);
    assert.equal(new Set(ids).size, EVENTS, 'each event once');

    const audit = spawnSync(process.execPath, [GUARD, 'audit', '--json', '--data-dir', guardDir], { encoding: 'utf8' });
    assert.equal(audit.status, 0, audit.stderr);
    const local = auditEvents(audit.stdout).map((e) => e.id);
    assert.deepEqual([...ids].sort(), [...local].sort(), 'the cloud holds exactly the guard’s events');

    // A while later the uploader has recorded its success: nothing retried, nothing twice.
    let final = readStatus(guardDir)!;
    const settle = Date.now() + 15_000;
    while (final.accepted_total < EVENTS && Date.now() < settle) {
      await sleep(100);
      final = readStatus(guardDir)!;
    }
    assert.equal(final.accepted_total, EVENTS);
    assert.equal(final.duplicates_total, 0);
    assert.equal(final.backlog, 0);
    assert.ok(final.last_success_at);
  });
});
