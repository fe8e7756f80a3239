// File work of the extension: streamed export (export/writer.ts), the stable guard copy and the
// Claude Desktop config (guard/), and the coordinated Clear Audit Data (data/clear-audit.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV } from '../../core/protocol/index.ts';
import type { AuditEvent } from '../../core/types.ts';
import type { EventFilter, EventPage, PageQuery } from '../../store/read/index.ts';
import { LOCK_FILE } from '../../store/writer/lock.ts';
import { clearAuditData } from '../../extension/src/data/clear-audit.ts';
import { exportEvents, formatOfPath } from '../../extension/src/export/writer.ts';
import { claudeDesktopConfig, placeholderFor } from '../../extension/src/guard/claude-config.ts';
import { GUARD_FILES, refreshStableGuard } from '../../extension/src/guard/stable-copy.ts';
import { makeEvent } from '../store/helpers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'warden-ext-'));
}

/** A page source over `n` synthetic events that records the pages asked for. */
function source(n: number, mutate: (e: AuditEvent, i: number) => AuditEvent = (e) => e) {
  const asked: PageQuery[] = [];
  let largest = 0;
  return {
    asked,
    get largest() {
      return largest;
    },
    events(_f?: EventFilter, page: PageQuery = {}): EventPage {
      asked.push(page);
      const start = page.cursor ? Number(page.cursor) : 0;
      const end = Math.min(n, start + (page.limit ?? 200));
      const events = Array.from({ length: end - start }, (_, k) => mutate(makeEvent({ endpoint: `/e/${start + k}` }), start + k));
      largest = Math.max(largest, events.length);
      return { events, nextCursor: end < n ? String(end) : null };
    },
  };
}

describe('export', () => {
  it('streams every page to CSV with the header, neutralising formula cells', async () => {
    const dir = tmp();
    try {
      const src = source(2500, (e, i) => (i === 0 ? { ...e, error: '=HYPERLINK("http://x")' } : e));
      const path = join(dir, 'out.csv');
      const progress: number[] = [];
      const r = await exportEvents(src, path, { format: 'csv', pageSize: 1000, onProgress: (n) => progress.push(n) });
      assert.deepEqual(r, { rows: 2500, cancelled: false });
      assert.deepEqual(progress, [1000, 2000, 2500]);
      assert.equal(src.largest, 1000, 'never more than one page at a time');
      assert.deepEqual(
        src.asked.map((p) => p.cursor ?? null),
        [null, '1000', '2000'],
      );
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
      assert.equal(lines.length, 2501);
      assert.match(lines[0]!, /^id,ts,session_id,/);
      assert.ok(lines[1]!.includes(`"'=HYPERLINK(""http://x"")"`), lines[1]);
      assert.deepEqual(readdirSync(dir), ['out.csv'], 'no temp file left');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('NDJSON: one event per line; a cancelled export leaves no file', async () => {
    const dir = tmp();
    try {
      const path = join(dir, 'out.ndjson');
      await exportEvents(source(3), path, { format: 'ndjson' });
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
      assert.equal(lines.length, 3);
      assert.equal(JSON.parse(lines[2]!).endpoint, '/e/2');
      let pages = 0;
      const r = await exportEvents(source(5000), join(dir, 'c.csv'), { format: 'csv', pageSize: 100, isCancelled: () => ++pages > 2 });
      assert.equal(r.cancelled, true);
      assert.equal(r.rows, 200);
      assert.deepEqual(readdirSync(dir), ['out.ndjson']);
      assert.equal(formatOfPath('/x/a.CSV'), 'csv');
      assert.equal(formatOfPath('/x/a.jsonl'), 'ndjson');
      assert.equal(formatOfPath('/x/a.txt'), null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Claude Desktop config', () => {
  it('copies the guard to <dataDir>/guard once, and again only when the bundle changed', () => {
    const dir = tmp();
    try {
      const dist = join(dir, 'dist');
      mkdirSync(dist);
      for (const f of GUARD_FILES) writeFileSync(join(dist, f), `v1 ${f}`);
      const data = join(dir, 'data');
      const first = refreshStableGuard(dist, data);
      assert.equal(first.path, join(data, 'guard', 'guard-server.js'));
      assert.equal(first.copied, true);
      assert.equal(refreshStableGuard(dist, data).copied, false);
      writeFileSync(join(dist, 'guard-server.js'), 'v2 guard, longer');
      assert.equal(refreshStableGuard(dist, data).copied, true);
      assert.equal(readFileSync(first.path, 'utf8'), 'v2 guard, longer');
      for (const f of GUARD_FILES) assert.ok(existsSync(join(data, 'guard', f)), f);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the copy holds every file the guard bundle loads beside itself (its worker scripts and the wasm)', () => {
    // esbuild.mjs defines each worker script as a "./name.js" literal in dist/guard-server.js: a
    // worker missing from GUARD_FILES would fail to start from the Claude Desktop copy.
    const guard = readFileSync(join(root, 'dist', 'guard-server.js'), 'utf8');
    const siblings = new Set([...guard.matchAll(/["']\.\/([a-z-]+\.(?:js|wasm))["']/g)].map((m) => m[1]!));
    siblings.add('sql-wasm.wasm');
    assert.ok(siblings.has('store-folder.js') && siblings.has('store-uploader.js'), `found ${[...siblings].join(', ')}`);
    for (const f of siblings) assert.ok((GUARD_FILES as readonly string[]).includes(f), `${f} is loaded by the guard but not copied`);
  });

  it('runs `node <stable path>`; secrets are placeholders unless included; editor-only variables are left out', () => {
    const env = {
      ELECTRON_RUN_AS_NODE: '1',
      [ENV.instanceId]: 'vscode-x',
      [ENV.shopifyStore]: 's.myshopify.com',
      [ENV.shopifyToken]: 'shpat_secret',
      [ENV.dataDir]: '/d',
    };
    const without = JSON.parse(claudeDesktopConfig('/d/guard/guard-server.js', env, false));
    const server = without.mcpServers.warden;
    assert.equal(server.command, 'node');
    assert.deepEqual(server.args, ['/d/guard/guard-server.js']);
    assert.equal(server.env[ENV.shopifyToken], placeholderFor(ENV.shopifyToken));
    assert.equal(server.env[ENV.shopifyStore], 's.myshopify.com');
    assert.ok(!('ELECTRON_RUN_AS_NODE' in server.env) && !(ENV.instanceId in server.env));
    assert.ok(!claudeDesktopConfig('/g', env, false).includes('shpat_secret'));
    assert.equal(JSON.parse(claudeDesktopConfig('/g', env, true)).mcpServers.warden.env[ENV.shopifyToken], 'shpat_secret');
  });
});

describe('Clear Audit Data', () => {
  const journal = (pid: number, seq = 1) => `inst.${pid}.abc.${String(seq).padStart(6, '0')}.ndjson`;
  const open = (pid: number) => JSON.stringify({ k: 'open', pid, instance_id: 'inst', ts: 1, v: 2 }) + '\n';

  it('refuses while a live guard journal is open, naming the process', () => {
    const dir = tmp();
    try {
      mkdirSync(join(dir, 'journal'));
      mkdirSync(join(dir, 'db'));
      writeFileSync(join(dir, 'journal', journal(process.pid)), open(process.pid));
      writeFileSync(join(dir, 'db', 'seg.sqlite'), 'x');
      const r = clearAuditData(dir);
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.reason : '', new RegExp(`process ${process.pid}.*Stop`));
      assert.ok(existsSync(join(dir, 'db', 'seg.sqlite')), 'nothing deleted');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses while another live process holds the store lock', () => {
    const dir = tmp();
    try {
      mkdirSync(join(dir, 'db'));
      writeFileSync(join(dir, 'db', 'seg.sqlite'), 'x');
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), token: 't', ts: Date.now() }));
      const r = clearAuditData(dir);
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.reason : '', /store\.lock/);
      assert.ok(existsSync(join(dir, 'db', 'seg.sqlite')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('deletes segments and finished journals (ended, or of dead processes), keeps the rest, releases the lock', () => {
    const dir = tmp();
    try {
      mkdirSync(join(dir, 'journal'));
      mkdirSync(join(dir, 'db'));
      const ended = open(process.pid) + JSON.stringify({ k: 'end', reason: 'close', ts: 2 }) + '\n';
      writeFileSync(join(dir, 'journal', journal(process.pid, 1)), ended);
      writeFileSync(join(dir, 'journal', journal(2 ** 22 + 12345)), open(2 ** 22 + 12345)); // no such pid
      writeFileSync(join(dir, 'db', 'seg.sqlite'), 'x');
      writeFileSync(join(dir, 'control.json'), '{}');
      const r = clearAuditData(dir);
      assert.deepEqual(r, { ok: true, removed: 3 });
      assert.deepEqual(readdirSync(join(dir, 'journal')), []);
      assert.deepEqual(readdirSync(join(dir, 'db')), []);
      assert.ok(existsSync(join(dir, 'control.json')), 'control file kept');
      assert.ok(!existsSync(join(dir, LOCK_FILE)), 'lock released');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
