// The read side bundled on its own as CommonJS (as the extension will bundle it) runs in a
// plain `node` process: it reads a page, an aggregate and a watch poll, with the wasm location
// passed by the caller (no import.meta on its code path).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { build } from 'esbuild';
import { JournalWriter } from '../../store/journal.ts';
import { loadSqlJs, sqlWasmPath } from '../../store/sqljs.ts';
import { Folder } from '../../store/writer/folder.ts';
import { makeAlert, makeEvent, tempDataDir } from './helpers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmps: (() => void)[] = [];
after(() => tmps.forEach((c) => c()));

test('store/read/index.ts bundled as CommonJS opens a store, reads a page, an aggregate and a watch poll', async () => {
  const SQL = await loadSqlJs();
  const data = tempDataDir();
  tmps.push(data.cleanup);
  const jdir = join(data.dir, 'journal');
  const folder = new Folder(SQL, { dataDir: data.dir, segmentSize: 20, retentionDays: 36500, maxEvents: 1e9, onWarning: () => {} });
  const w = new JournalWriter(jdir, 'bundle');
  const events = Array.from({ length: 50 }, (_, i) => makeEvent({ ts: Date.now() - 100_000 + i, risk_level: (i % 4) as 0 }));
  for (const e of events) w.append({ k: 'event', e });
  w.append({ k: 'alert', a: makeAlert() });
  folder.fold();
  w.close();

  const out = mkdtempSync(join(tmpdir(), 'warden-read-cjs-'));
  tmps.push(() => rmSync(out, { recursive: true, force: true }));
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['store/read/index.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: join(out, 'store-read.cjs'),
    logLevel: 'silent',
  });
  assert.deepEqual(
    result.warnings.map((m) => m.text),
    [],
    'no warnings (esbuild warns about import.meta in CommonJS)',
  );
  copyFileSync(sqlWasmPath(), join(out, 'sql-wasm.wasm'));
  const script = join(out, 'check.cjs');
  writeFileSync(
    script,
    `
const path = require('node:path');
const fs = require('node:fs');
const read = require('./store-read.cjs');
(async () => {
  const dataDir = process.argv[2];
  const wasmPath = path.join(__dirname, 'sql-wasm.wasm');
  const reader = await read.openStoreReader({ dataDir, wasmPath });
  const page = reader.events({ minRisk: 2 }, { limit: 10 });
  const next = reader.events({ minRisk: 2 }, { limit: 10, cursor: page.nextCursor });
  const agg = reader.aggregate({});
  reader.close();
  const watch = await read.openStoreWatch({ dataDir, wasmPath });
  const idle = watch.poll();
  const dir = path.join(dataDir, 'journal');
  const line = (r) => JSON.stringify(r) + '\\n';
  const e = JSON.parse(process.argv[3]);
  fs.writeFileSync(path.join(dir, 'late.1.abc.000000.ndjson'), line({ k: 'open', pid: 1, instance_id: 'late', ts: 1, v: 2 }) + line({ k: 'event', e }));
  const fresh = watch.poll();
  // Without a wasm location it looks beside the bundle.
  const again = await read.openStoreReader({ dataDir });
  const total = again.count();
  again.close();
  process.stdout.write(JSON.stringify({
    page: page.events.map((x) => x.id), next: next.events.map((x) => x.id), total: agg.total, byRisk: agg.byRisk, alerts: agg.alerts.total,
    idle: idle.events.length + idle.alerts.length, fresh: fresh.events.map((x) => x.id), count: total,
  }));
})().catch((err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); });
`,
  );
  const late = makeEvent({ ts: Date.now() });
  const r = spawnSync(process.execPath, [script, data.dir, JSON.stringify(late)], { encoding: 'utf8', cwd: out });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as Record<string, unknown>;
  const risky = events.filter((e) => e.risk_level >= 2).sort((a, b) => b.ts - a.ts);
  assert.deepEqual(
    got.page,
    risky.slice(0, 10).map((e) => e.id),
  );
  assert.deepEqual(
    got.next,
    risky.slice(10, 20).map((e) => e.id),
  );
  assert.equal(got.total, 50);
  assert.deepEqual(got.byRisk, [13, 13, 12, 12]);
  assert.equal(got.alerts, 1);
  assert.equal(got.idle, 0);
  assert.deepEqual(got.fresh, [late.id]);
  assert.equal(got.count, 51);
});

// The extension's store bundle (dist/extension-store.cjs) is parsed when the Audit Log first
// opens: its schemas use zod/mini, which bundles only what they use (classic zod brought all of
// zod and every locale: ~450 KB of the ~550 KB). Its validation messages stay English.
test("the extension's store bundle has zod/mini with the English locale only and no scrubber, and its messages say what is wrong", async () => {
  const { extensionBuildOptions } = (await import('../../scripts/extension-build.mjs')) as {
    extensionBuildOptions: Record<string, unknown>;
  };
  const out = mkdtempSync(join(tmpdir(), 'warden-ext-store-'));
  tmps.push(() => rmSync(out, { recursive: true, force: true }));
  const result = await build({
    ...extensionBuildOptions,
    absWorkingDir: root,
    entryPoints: { 'extension-store': 'extension/src/store-api.ts' },
    outdir: out,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.values(result.metafile.outputs).flatMap((o) => Object.entries(o.inputs));
  const zod = inputs.filter(([path, i]) => path.includes('node_modules/zod/') && i.bytesInOutput > 0).map(([path]) => path);
  assert.ok(zod.length > 0, 'zod is bundled');
  assert.deepEqual(
    zod.filter((p) => p.includes('/v4/classic/')),
    [],
    'no classic zod',
  );
  assert.deepEqual(
    zod.filter((p) => p.includes('/locales/')),
    ['node_modules/zod/v4/locales/en.js'],
    'the English locale only',
  );
  // The scrubber (provider rules, libphonenumber-js) comes with the control file's writer, which
  // has its own bundle (extension-control.cjs), loaded only when the user changes the control file.
  assert.deepEqual(
    [
      ...new Set(
        inputs
          .filter(([path, i]) => i.bytesInOutput > 0 && /^core\/scrub\/|node_modules\/libphonenumber-js\//.test(path))
          .map(([path]) => path),
      ),
    ],
    [],
    'no scrubber in the store bundle',
  );

  const data = tempDataDir();
  tmps.push(data.cleanup);
  writeFileSync(join(data.dir, 'control.json'), JSON.stringify({ version: 2, pause: { scope: 'nap', by: '', at: -1 } }));
  const script = join(out, 'check-messages.cjs');
  writeFileSync(
    script,
    `
const Module = require('node:module');
const load = Module._load;
Module._load = (req, ...rest) => (req === 'vscode' ? {} : load(req, ...rest));
const { ControlFileReader } = require('./extension-store.cjs');
const warnings = [];
new ControlFileReader(process.argv[2], (m) => warnings.push(m)).check();
process.stdout.write(JSON.stringify(warnings));
`,
  );
  const r = spawnSync(process.execPath, [script, data.dir], { encoding: 'utf8', cwd: out });
  assert.equal(r.status, 0, r.stderr);
  const [warning] = JSON.parse(r.stdout) as string[];
  assert.match(warning ?? '', /pause\.scope: Invalid option: expected one of "writes"\|"all"/);
  assert.match(warning ?? '', /pause\.by: Too small: expected string to have >=1 characters/);
  assert.match(warning ?? '', /pause\.at: Too small: expected number to be >=0/);
});
