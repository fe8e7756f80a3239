// The only host globals core may use. Core compiles with neither Node nor DOM types (see
// core/tsconfig.json), so anything else (Buffer, process, fetch, timers, document) fails to
// typecheck here. These are WHATWG/W3C standard globals present alike in Node ≥ 20, its
// worker threads, browsers and the VS Code webview; only the members core uses are declared.
// Parts that import core see their own platform's full declarations instead.

interface Crypto {
  getRandomValues<T extends Uint8Array>(array: T): T;
  /** Web Crypto: HMAC-SHA256 and SHA-256 for upload signing (core/protocol/signing.ts). */
  readonly subtle: SubtleCrypto;
}
declare var crypto: Crypto;

interface CryptoKey {
  readonly type: string;
}
interface SubtleCrypto {
  importKey(
    format: 'raw',
    keyData: Uint8Array,
    algorithm: { name: 'HMAC'; hash: 'SHA-256' },
    extractable: false,
    keyUsages: 'sign'[],
  ): Promise<CryptoKey>;
  sign(algorithm: 'HMAC', key: CryptoKey, data: Uint8Array): Promise<ArrayBuffer>;
  digest(algorithm: 'SHA-256', data: Uint8Array): Promise<ArrayBuffer>;
}

interface TextEncoder {
  encode(input?: string): Uint8Array;
}
declare var TextEncoder: { prototype: TextEncoder; new (): TextEncoder };

interface TextDecoder {
  decode(input?: Uint8Array): string;
}
declare var TextDecoder: { prototype: TextDecoder; new (label?: 'utf-8', options?: { fatal?: boolean }): TextDecoder };

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
