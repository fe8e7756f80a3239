// Loads sql.js for ESM code (the guard, its folder worker, tests, benches): the wasm file is
// looked up beside the running bundle first (esbuild.mjs copies it into dist/), else in
// node_modules. The read side (store/read/) never imports this file: it takes the wasm
// location from its caller (store/read/wasm.ts), so it also works bundled as CommonJS.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { SqlJsStatic } from 'sql.js';
import { loadSqlJsFrom } from './read/wasm.ts';
import type { WasmLocation } from './read/wasm.ts';

declare const WARDEN_BUNDLE: boolean | undefined;

/** Path of sql-wasm.wasm for this build: next to the bundle, or the installed package's copy. */
export function sqlWasmPath(): string {
  if (typeof WARDEN_BUNDLE !== 'undefined') {
    const beside = fileURLToPath(new URL('./sql-wasm.wasm', import.meta.url));
    if (existsSync(beside)) return beside;
  }
  return createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');
}

/**
 * The sql.js module, initialised on first use and shared by every caller in this thread.
 * `where` (optional) names the wasm file; by default it is sqlWasmPath().
 */
export function loadSqlJs(where: WasmLocation = {}): Promise<SqlJsStatic> {
  return loadSqlJsFrom(where.wasmPath !== undefined || where.locateWasm !== undefined ? where : { locateWasm: sqlWasmPath });
}
