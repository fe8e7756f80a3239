// The crash-safe local audit store: journal on the request path, folder off it, readers
// alongside. See DESIGN.md "Local store" and the comments in each file.
export { AuditStore, DEFAULTS } from './audit-store.ts';
export type { StoreOptions } from './audit-store.ts';
export { openAuditReader } from './reader.ts';
export type { AuditFilter, AuditReader, ReaderOptions } from './reader.ts';
