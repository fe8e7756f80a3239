// Everything that needs the store's code — sql.js, and the zod schemas of events and of the
// control file — behind one module that is loaded on first use (`loadStoreApi()`), never at
// activation: esbuild.mjs builds it as its own bundle (dist/extension-store.cjs), so requiring
// dist/extension.cjs does not even parse zod or sql.js. The control file's writer is not here
// (control-api.ts): it brings the scrubber, which the views never need.
export { loadSqlJsFrom, openStoreReader, openStoreWatch } from '../../store/read/index.ts';
export { ControlFileReader } from '../../store/control/control-file.ts';
export { clearAuditData } from './data/clear-audit.ts';
export { showDashboard } from './dashboard/panel.ts';
