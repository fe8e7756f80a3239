// Bundles every entry point into dist/. One file per entry, ESM, Node 20 target.
// sql.js loads its wasm at run time, so the wasm is copied beside the bundles.
import { build } from 'esbuild';
import { esmBanner } from './scripts/esm-banner.mjs';
import { extensionBuildOptions } from './scripts/extension-build.mjs';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const outdir = 'dist';
mkdirSync(outdir, { recursive: true });

const banner = esmBanner;

const entries = {
  'guard-server': 'guard-server/main.ts',
  // The audit store's folder worker thread, spawned by the guard only while there is something
  // to fold: the guard's main thread never loads the folder, sql.js or its wasm.
  'store-folder': 'store/writer/worker-entry.ts',
  // The uploader's worker thread, spawned only when a cloud is configured (WARDEN_CLOUD_URL):
  // segment reads, JSON, signing and HTTP never run on the guard's main thread.
  'store-uploader': 'guard-server/upload/worker-entry.ts',
  demo: 'devtools/demo/main.ts',
};

/** Node bundles (the guard and its workers, cloud-lite): ESM for Node 20. */
const nodeBundle = {
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  banner,
  logLevel: 'warning',
  legalComments: 'none',
  // Smaller source = less memory per isolate. Identifiers are kept so stack traces in the
  // guard log stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
};

await build({
  ...nodeBundle,
  entryPoints: entries,
  // The store spawns its folder worker from store-folder.js, the guard its uploader worker from
  // store-uploader.js, both beside the bundle.
  define: {
    WARDEN_BUNDLE: 'true',
    WARDEN_FOLDER_SCRIPT: JSON.stringify('./store-folder.js'),
    WARDEN_UPLOADER_SCRIPT: JSON.stringify('./store-uploader.js'),
  },
});

const wasm = join(dirname(require.resolve('sql.js')), 'sql-wasm.wasm');
copyFileSync(wasm, join(outdir, 'sql-wasm.wasm'));

// ---- cloud-lite, the ingestion service (cloud-lite/): a server bundle of its own ------------------
// Never in the VSIX (.vscodeignore ships only the listed bundles). better-sqlite3 is a native
// addon and pg's optional pg-native is never installed: both stay external, resolved from
// node_modules at run time, so the bundle runs from the repo (or beside its node_modules).
await build({
  ...nodeBundle,
  entryPoints: { 'cloud-lite': 'cloud-lite/main.ts' },
  external: ['better-sqlite3', 'pg-native'],
});

// ---- The risk dashboard page (extension/webview/) ----------------------------------------------
// Browser code for the webview: one script and one stylesheet (its own CSS and uPlot's) in
// dist/webview/, the only folder the panel lets the webview load from. No source maps: they
// would ship in the VSIX and the page's CSP does not need them.
await build({
  entryPoints: { dashboard: 'extension/webview/main.ts' },
  outdir: join(outdir, 'webview'),
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});

// ---- The VS Code/Cursor extension (extension/src/): options in scripts/extension-build.mjs ----
await build({ ...extensionBuildOptions, outdir });
