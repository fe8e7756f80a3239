// The store's read side: what the extension and the CLI use. Bundles on its own (no MCP SDK,
// undici or guard code) and works as CommonJS when the caller passes the wasm location.
export { openAuditReader } from './reader.ts';
export type { AuditFilter, AuditReader, ReaderOptions } from './reader.ts';
