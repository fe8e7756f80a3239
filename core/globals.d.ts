// The only host globals core may use. Core compiles with neither Node nor DOM types (see
// core/tsconfig.json), so anything else (Buffer, process, fetch, timers, document) fails to
// typecheck here. These three are WHATWG standard globals present alike in Node ≥ 20, its
// worker threads, browsers and the VS Code webview; only the members core uses are declared.
// Parts that import core see their own platform's full declarations instead.

interface Crypto {
  getRandomValues<T extends Uint8Array>(array: T): T;
}
declare var crypto: Crypto;

interface URL {
  readonly href: string;
  readonly protocol: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
}
declare var URL: {
  prototype: URL;
  new (url: string, base?: string): URL;
};

interface URLSearchParams {
  get(name: string): string | null;
  has(name: string): boolean;
  [Symbol.iterator](): IterableIterator<[string, string]>;
}
declare var URLSearchParams: {
  prototype: URLSearchParams;
  new (init?: string): URLSearchParams;
};
