// Event and alert ids: ULIDs — 48-bit millisecond time + 80 random bits, Crockford base32.
// Lexicographic order is time order, and random bits make ids unique across processes, so
// several guards can write one store without coordination. Monotonic within a process.
//
// ulid's default random source asks the OS for a few bytes per id (a randomFillSync call per
// character), which showed up in the guard's profile; this draws from a pooled buffer of
// cryptographic random bytes instead, refilled 4 KiB at a time. The bytes come from the Web
// Crypto global (`globalThis.crypto`: Node ≥ 20, its workers, browsers), not node:crypto, so
// core stays free of Node imports.
import { monotonicFactory } from 'ulid';

const pool = new Uint8Array(4096);
let next = pool.length;

function pooledRandom(): number {
  if (next >= pool.length) {
    globalThis.crypto.getRandomValues(pool);
    next = 0;
  }
  return pool[next++]! / 256;
}

export const newId: () => string = monotonicFactory(pooledRandom);
