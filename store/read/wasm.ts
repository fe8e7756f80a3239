// Loads sql.js (SQLite compiled to WebAssembly) once per thread, from a wasm file the caller
// names. No `import.meta` here: the read side must also run when bundled as CommonJS (the
// extension), where import.meta is empty. store/sqljs.ts adds the ESM default (beside the
// bundle, else node_modules) for the guard and for development.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import type { SqlJsStatic } from 'sql.js';

/** Where sql-wasm.wasm is: a path, or a function returning one (called once, on first load). */
export interface WasmLocation {
  wasmPath?: string;
  locateWasm?: () => string;
}

let loading: Promise<SqlJsStatic> | undefined;

/**
 * The wasm file when the caller named none: beside the running CommonJS bundle (`__dirname`;
 * ESM bundles define it in their banner), else the installed sql.js package (`require`).
 * Throws when neither exists (unbundled ESM: use store/sqljs.ts, or pass `wasmPath`).
 */
export function defaultWasmPath(): string {
  if (typeof __dirname === 'string') {
    const beside = join(__dirname, 'sql-wasm.wasm');
    if (existsSync(beside)) return beside;
  }
  if (typeof require === 'function') {
    try {
      return require.resolve('sql.js/dist/sql-wasm.wasm');
    } catch {
      // not installed beside us
    }
  }
  throw new Error('cannot find sql-wasm.wasm: pass its location ({ wasmPath } or { locateWasm })');
}

/**
 * The sql.js module, initialised on first use and shared by every caller in this thread (the
 * first caller's location wins: the wasm is the same file wherever it lies).
 */
export function loadSqlJsFrom(where: WasmLocation = {}): Promise<SqlJsStatic> {
  const locate = where.locateWasm ?? (where.wasmPath !== undefined ? () => where.wasmPath as string : defaultWasmPath);
  // sql.js's Node branch reads the CommonJS `__dirname`: esbuild.mjs's banner defines it in ESM bundles.
  loading ??= initSqlJs({ locateFile: () => locate() }).catch((err: unknown) => {
    loading = undefined; // let a later call with a better location retry
    throw err;
  });
  return loading;
}
