// Loads store-api.ts and control-api.ts on first use (see there why). Import only this file, and
// only types from those two. esbuild.mjs builds each as its own bundle (dist/extension-store.cjs,
// dist/extension-control.cjs) and names them in WARDEN_EXTENSION_STORE / WARDEN_EXTENSION_CONTROL,
// so requiring dist/extension.cjs at activation does not even parse the store code; unbundled
// (tests, tsx) each is a plain dynamic import.
export type StoreApi = typeof import('./store-api.ts');
export type ControlApi = typeof import('./control-api.ts');

declare const WARDEN_EXTENSION_STORE: string | undefined;
declare const WARDEN_EXTENSION_CONTROL: string | undefined;

let loadingStore: Promise<StoreApi> | undefined;
let loadingControl: Promise<ControlApi> | undefined;

export function loadStoreApi(): Promise<StoreApi> {
  loadingStore ??=
    typeof WARDEN_EXTENSION_STORE === 'string'
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS bundle loads its sibling bundle
        Promise.resolve().then(() => require(`${__dirname}/${WARDEN_EXTENSION_STORE}`) as StoreApi)
      : import('./store-api.ts');
  return loadingStore;
}

export function loadControlApi(): Promise<ControlApi> {
  loadingControl ??=
    typeof WARDEN_EXTENSION_CONTROL === 'string'
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS bundle loads its sibling bundle
        Promise.resolve().then(() => require(`${__dirname}/${WARDEN_EXTENSION_CONTROL}`) as ControlApi)
      : import('./control-api.ts');
  return loadingControl;
}
