// The banner every Node ESM bundle of ours needs: CommonJS packages bundled into ESM (sql.js)
// still use `require`, `__dirname` and `__filename`. Shared by esbuild.mjs and the benches
// that bundle themselves, so the two cannot drift.
export const esmBanner = {
  js: [
    "import { createRequire as __wardenCreateRequire } from 'node:module';",
    "import { fileURLToPath as __wardenFileURLToPath } from 'node:url';",
    'const require = __wardenCreateRequire(import.meta.url);',
    'const __filename = __wardenFileURLToPath(import.meta.url);',
    "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
  ].join(' '),
};
