// Everything that needs the store's code — sql.js, and the zod schemas of events and of the
// control file — behind one module that is loaded on first use (`loadStoreApi()`), never at
// activation: store-loader.ts imports it dynamically, which esbuild turns into a lazily evaluated part of the bundle, so
// requiring dist/extension.cjs does not evaluate zod or sql.js.
export { loadSqlJsFrom, openStoreReader, openStoreWatch } from '../../store/read/index.ts';
export { ControlFileReader, updateControlFile } from '../../store/control/index.ts';
export { clearAuditData } from './data/clear-audit.ts';
export { showDashboard } from './dashboard/panel.ts';
