// Event and alert ids: ULIDs — 48-bit millisecond time + 80 random bits, Crockford base32.
// Lexicographic order is time order, and random bits make ids unique across processes, so
// several guards can write one store without coordination. Monotonic within a process.
import { monotonicFactory } from 'ulid';

export const newId: () => string = monotonicFactory();
