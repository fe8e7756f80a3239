// Types for scripts/vsix.mjs (plain JavaScript so `npm run package` runs it with node alone).
export declare const MAX_VSIX_BYTES: number;
export declare const REQUIRED_ENTRIES: readonly string[];
export interface ZipListing {
  bytes: number;
  entries: { name: string; size: number }[];
}
export declare function listZip(path: string): ZipListing;
export declare function vsixProblems(listing: ZipListing): string[];
