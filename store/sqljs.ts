// Loads sql.js (SQLite compiled to WebAssembly) once per thread. The wasm file is looked up
// beside the running bundle first (esbuild.mjs copies it into dist/), else in node_modules.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import initSqlJs from 'sql.js';
import type { SqlJsStatic } from 'sql.js';

declare const WARDEN_BUNDLE: boolean | undefined;

let loading: Promise<SqlJsStatic> | undefined;

/** Path of sql-wasm.wasm for this build: next to the bundle, or the installed package's copy. */
export function sqlWasmPath(): string {
  if (typeof WARDEN_BUNDLE !== 'undefined') {
    const beside = fileURLToPath(new URL('./sql-wasm.wasm', import.meta.url));
    if (existsSync(beside)) return beside;
  }
  return createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');
}

/** The sql.js module, initialised on first use and shared by every caller in this thread. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  // sql.js's Node branch reads the CommonJS `__dirname`: esbuild.mjs's banner defines it in bundles.
  loading ??= initSqlJs({ locateFile: () => sqlWasmPath() });
  return loading;
}
