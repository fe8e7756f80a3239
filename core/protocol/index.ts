// The wire contract: what the guard, the store, the CLI, the uploader, cloud-lite and the
// extension exchange. Pure (zod only): importable from any part, the webview included.
export * from './vocabulary.ts';
export * from './event.ts';
export * from './tool-result.ts';
export * from './notification.ts';
export * from './env.ts';
export * from './upload.ts';
export * from './signing.ts';
export * from './analyze.ts';
