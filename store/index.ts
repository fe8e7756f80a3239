// The crash-safe local audit store: journal on the request path, folder off it, readers
// alongside. See DESIGN.md "Local store" and the comments in each file.
export { AuditStore, DEFAULTS } from './writer/audit-store.ts';
export type { StoreOptions } from './writer/audit-store.ts';
export { openAuditReader } from './read/reader.ts';
export type { AuditFilter, AuditReader, ReaderOptions } from './read/reader.ts';
