// The control file contract and its one atomic writer (see control-file.ts). Node only, no guard
// code: the guard, its CLI and the extension import it.
export * from './control-file.ts';
