// Loads store-api.ts and control-api.ts on first use (see there why). Import only this file, and
// only types from those two. esbuild.mjs builds each as its own bundle (dist/extension-store.cjs,
// dist/extension-control.cjs) and names them in WARDEN_EXTENSION_STORE / WARDEN_EXTENSION_CONTROL,
// so requiring dist/extension.cjs at activation does not even parse the store code; unbundled
// (tests, tsx) each is a plain dynamic import.
export type StoreApi = typeof import('./store-api.ts');
export type ControlApi = typeof import('./control-api.ts');

declare const WARDEN_EXTENSION_STORE: string | undefined;
declare const WARDEN_EXTENSION_CONTROL: string | undefined;

/** One load per process, shared by every caller. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load());
}

/** Requires a sibling bundle of dist/extension.cjs (after the current tick, like an import). */
function requireSibling<T>(bundle: string): () => Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS bundle loads its sibling bundle
  return () => Promise.resolve().then(() => require(`${__dirname}/${bundle}`) as T);
}

// The `typeof … === 'string'` tests are constants in the bundle (esbuild's define), so the
// dynamic imports, and with them the modules, are dropped from dist/extension.cjs.
export const loadStoreApi: () => Promise<StoreApi> = once(
  typeof WARDEN_EXTENSION_STORE === 'string' ? requireSibling<StoreApi>(WARDEN_EXTENSION_STORE) : () => import('./store-api.ts'),
);

export const loadControlApi: () => Promise<ControlApi> = once(
  typeof WARDEN_EXTENSION_CONTROL === 'string' ? requireSibling<ControlApi>(WARDEN_EXTENSION_CONTROL) : () => import('./control-api.ts'),
);
