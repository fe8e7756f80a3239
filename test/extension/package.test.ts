// The VSIX: packs the current build with vsce (as `npm run package` does, without rebuilding:
// `npm test` has just built dist/) and checks what went in, then checks that the packaging
// rules (scripts/vsix.mjs) reject what must never ship.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MAX_VSIX_BYTES, REQUIRED_ENTRIES, listZip, vsixProblems, type ZipListing } from '../../scripts/vsix.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('npm run package: the VSIX holds the bundles, manifest, README, CHANGELOG, LICENSE and icon, nothing else, under 3 MB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-vsix-'));
  try {
    const out = join(dir, 'warden.vsix');
    const r = spawnSync(process.execPath, ['scripts/package.mjs', '--no-build', '--out', out], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    assert.equal(r.status, 0, `package failed:\n${r.stdout}\n${r.stderr}`);
    const listing = listZip(out);
    assert.deepEqual(vsixProblems(listing), []);
    const names = listing.entries.map((e) => e.name);
    for (const required of REQUIRED_ENTRIES) assert.ok(names.includes(required), `missing ${required}`);
    assert.ok(
      names.some((n) => n.startsWith('extension/dist/webview/') && n.endsWith('.js')),
      'the dashboard script ships',
    );
    for (const n of names) {
      assert.doesNotMatch(
        n,
        /\.(map|ts)$|node_modules\/|^extension\/(test|core|store|guard-server|devtools|extension\/src|extension\/webview)\//,
        n,
      );
    }
    assert.ok(listing.bytes <= MAX_VSIX_BYTES, `${listing.bytes} bytes`);
    console.log(`# VSIX: ${listing.bytes} bytes, ${names.length} files`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the packaging rules reject source maps, sources, node_modules, a missing icon and an oversized VSIX', () => {
  const good: ZipListing = {
    bytes: 1_000_000,
    entries: [
      ...REQUIRED_ENTRIES,
      'extension/dist/webview/dashboard.js',
      'extension/dist/webview/dashboard.css',
      'extension/resources/shield.svg',
    ].map((name) => ({
      name,
      size: 1,
    })),
  };
  assert.deepEqual(vsixProblems(good), []);
  const withEntry = (name: string): ZipListing => ({ ...good, entries: [...good.entries, { name, size: 1 }] });
  assert.deepEqual(vsixProblems(withEntry('extension/dist/extension.cjs.map')), ['source map shipped: extension/dist/extension.cjs.map']);
  assert.deepEqual(vsixProblems(withEntry('extension/extension/src/extension.ts')), [
    'unexpected file: extension/extension/src/extension.ts',
  ]);
  assert.deepEqual(vsixProblems(withEntry('extension/node_modules/zod/index.js')), [
    'unexpected file: extension/node_modules/zod/index.js',
  ]);
  assert.deepEqual(vsixProblems(withEntry('extension/dist/demo.js')), ['unexpected file: extension/dist/demo.js']);
  const noIcon: ZipListing = { ...good, entries: good.entries.filter((e) => e.name !== 'extension/extension/icon.png') };
  assert.deepEqual(vsixProblems(noIcon), ['missing extension/extension/icon.png']);
  assert.deepEqual(vsixProblems({ ...good, bytes: MAX_VSIX_BYTES + 1 }), [
    `the VSIX is ${MAX_VSIX_BYTES + 1} bytes, over the ${MAX_VSIX_BYTES}-byte limit`,
  ]);
});
