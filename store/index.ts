// The crash-safe local audit store: journal on the request path, folder off it, readers
// alongside. See DESIGN.md "Local store" and the comments in each file.
// This entry is for ESM code (the guard, its CLI, tests): readers opened here find the wasm
// like the guard does (store/sqljs.ts). CommonJS users import store/read/index.ts and pass it.
import { openAuditReader as openReader } from './read/reader.ts';
import type { AuditReader, ReaderOptions } from './read/reader.ts';
import { openStoreReader as openStore } from './read/store-reader.ts';
import type { StoreReader, StoreReaderOptions } from './read/store-reader.ts';
import { openStoreWatch as openWatch } from './read/watch.ts';
import type { StoreWatch, WatchOptions } from './read/watch.ts';
import { sqlWasmPath } from './sqljs.ts';

export { AuditStore, DEFAULTS } from './writer/audit-store.ts';
export type { StoreOptions } from './writer/audit-store.ts';
export type * from './read/index.ts';

const withWasm = <T extends { wasmPath?: string; locateWasm?: () => string }>(o: T): T =>
  o.wasmPath !== undefined || o.locateWasm !== undefined ? o : { ...o, locateWasm: sqlWasmPath };

export function openAuditReader(dataDir: string, opts: ReaderOptions = {}): Promise<AuditReader> {
  return openReader(dataDir, withWasm(opts));
}

export function openStoreReader(opts: StoreReaderOptions): Promise<StoreReader> {
  return openStore(withWasm(opts));
}

export function openStoreWatch(opts: WatchOptions): Promise<StoreWatch> {
  return openWatch(withWasm(opts));
}
