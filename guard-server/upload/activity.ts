// Tool-call activity shared between the guard's main thread and its uploader worker (one
// SharedArrayBuffer), so uploads yield to calls: the main thread counts calls in flight and
// stamps the end of the last one; the worker reads both before each batch. Writing costs two
// atomic ops and a Date.now() per call; nothing here allocates on the request path.

/** Slots of the shared Int32Array. */
const IN_FLIGHT = 0;
/** Milliseconds since `base` when the last call ended, wrapped to int32 (valid for ~24 days of idleness). */
const LAST_END = 1;
/** 1 once any call has ended (so a fresh guard is idle, not "a call just ended at base"). */
const ENDED = 2;
const SLOTS = 3;

/** What the main thread hands the worker (in workerData): the buffer and the clock base. */
export interface SharedActivity {
  buffer: SharedArrayBuffer;
  /** Date.now() when the buffer was made: stamps are relative to it, to fit an int32. */
  base: number;
}

/** The main thread's side: begin() when a tools/call starts, end() in its finally. */
export class CallActivity {
  readonly shared: SharedActivity;
  private readonly view: Int32Array;

  constructor() {
    this.shared = { buffer: new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT), base: Date.now() };
    this.view = new Int32Array(this.shared.buffer);
  }

  begin(): void {
    Atomics.add(this.view, IN_FLIGHT, 1);
  }

  end(): void {
    Atomics.store(this.view, LAST_END, (Date.now() - this.shared.base) | 0);
    Atomics.store(this.view, ENDED, 1);
    Atomics.sub(this.view, IN_FLIGHT, 1);
  }
}

/** The uploader's view: is the guard serving calls right now, or did it just finish one? */
export interface ActivitySource {
  busy(quietMs: number): boolean;
}

/** Reads a SharedActivity (in the worker, or anywhere with the buffer). */
export function activityReader(shared: SharedActivity): ActivitySource {
  const view = new Int32Array(shared.buffer);
  return {
    busy(quietMs: number): boolean {
      if (Atomics.load(view, IN_FLIGHT) > 0) return true;
      if (Atomics.load(view, ENDED) === 0) return false;
      // Int32 difference: correct across the wrap while the gap is under 2^31 ms.
      const sinceEnd = (((Date.now() - shared.base) | 0) - Atomics.load(view, LAST_END)) | 0;
      return sinceEnd >= 0 && sinceEnd < quietMs;
    },
  };
}
