// The store's read side: what the extension and the CLI use. Bundles on its own (no MCP SDK,
// undici, guard or writer code) and works as CommonJS: pass the wasm location
// (`{ wasmPath }` or `{ locateWasm }`), else sql-wasm.wasm is looked for beside the bundle.
export { openStoreReader } from './store-reader.ts';
export type { StoreReader, StoreReaderOptions } from './store-reader.ts';
export type { AlertFilter, AlertPage, EventFilter, EventPage, OneOrMany, PageQuery, SessionQuery, SessionSummary } from './pages.ts';
export { decodeCursor, encodeCursor } from './pages.ts';
export type { AggregateQuery, Aggregates, AlertSummary, Bucket, EndpointStat, RuleStat } from './aggregates.ts';
export { openStoreWatch } from './watch.ts';
export type { StoreWatch, WatchBatch, WatchOptions } from './watch.ts';
export { openAuditReader } from './reader.ts';
export type { AuditFilter, AuditReader, ReaderOptions } from './reader.ts';
export { defaultWasmPath, loadSqlJsFrom } from './wasm.ts';
export type { WasmLocation } from './wasm.ts';
