// The control file contract (control-file.ts: format, reader) and its one atomic writer
// (control-update.ts). Node only, no guard code: the guard, its CLI and the extension import it.
export * from './control-file.ts';
export * from './control-update.ts';
