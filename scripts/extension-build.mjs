// esbuild options of the VS Code/Cursor extension's two bundles, shared by esbuild.mjs and the
// activation test (test/extension/activate.test.ts), so the test loads what ships.
// The editor loads extensions with require(): CommonJS, and .cjs because package.json says
// "type": "module". `vscode` is provided by the editor at run time. The store's read side
// finds sql-wasm.wasm through the path the extension passes (dist/).
// The store code (sql.js, zod schemas, the dashboard panel) is a second bundle the extension
// requires on first use: activation loads only the small one. The control file's writer (with
// the scrubber) is a third, loaded only when the user pauses, resumes or sets the policy.
export const extensionBuildOptions = {
  entryPoints: {
    extension: 'extension/src/extension.ts',
    'extension-store': 'extension/src/store-api.ts',
    'extension-control': 'extension/src/control-api.ts',
  },
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  define: {
    WARDEN_EXTENSION_STORE: JSON.stringify('extension-store.cjs'),
    WARDEN_EXTENSION_CONTROL: JSON.stringify('extension-control.cjs'),
  },
  logLevel: 'warning',
  legalComments: 'none',
  // Full minification: the store bundle (mostly zod and sql.js glue) is parsed when a view
  // first opens, and shorter identifiers cut that parse time (stack traces lose names).
  minify: true,
};
