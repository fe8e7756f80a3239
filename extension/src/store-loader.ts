// Loads store-api.ts on first use (see there why). Import only this file, and only types from
// store-api.ts. esbuild.mjs builds store-api.ts as its own bundle (dist/extension-store.cjs) and
// names it in WARDEN_EXTENSION_STORE, so requiring dist/extension.cjs at activation does not
// even parse the store code; unbundled (tests, tsx) it is a plain dynamic import.
export type StoreApi = typeof import('./store-api.ts');

declare const WARDEN_EXTENSION_STORE: string | undefined;

let loading: Promise<StoreApi> | undefined;

export function loadStoreApi(): Promise<StoreApi> {
  loading ??=
    typeof WARDEN_EXTENSION_STORE === 'string'
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS bundle loads its sibling bundle
        Promise.resolve().then(() => require(`${__dirname}/${WARDEN_EXTENSION_STORE}`) as StoreApi)
      : import('./store-api.ts');
  return loading;
}
