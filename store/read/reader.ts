// The original reader API (the `audit` CLI, tests): a thin layer over the StoreReader pages.
import type { Alert, AuditEvent } from '../../core/types.ts';
import type { EventFilter } from './pages.ts';
import { openStoreReader } from './store-reader.ts';
import type { StoreReader } from './store-reader.ts';
import type { WasmLocation } from './wasm.ts';

export type AuditFilter = EventFilter;

export interface AuditReader {
  /** Newest first, at most `limit`. */
  latest(limit: number, filter?: AuditFilter): AuditEvent[];
  /** Every matching event, newest first, a page at a time (for export). */
  iterate(filter?: AuditFilter): Iterable<AuditEvent>;
  /** Newest first, at most `limit`. */
  alerts(limit: number): Alert[];
  /** Events in the store, including calls still in flight. */
  count(): number;
  close(): void;
}

export interface ReaderOptions extends WasmLocation {
  onWarning?: (msg: string) => void;
}

const PAGE = 1000;

export async function openAuditReader(dataDir: string, opts: ReaderOptions = {}): Promise<AuditReader> {
  return new PagedAuditReader(await openStoreReader({ ...opts, dataDir }));
}

function clampLimit(limit: number): number {
  return Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : limit > 0 ? Number.MAX_SAFE_INTEGER : 0;
}

/** Up to `limit` items, page after page. */
function collect<T>(limit: number, page: (size: number, cursor: string | null) => { items: T[]; next: string | null }): T[] {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let n = clampLimit(limit); out.length < n;) {
    const { items, next } = page(Math.min(PAGE, n - out.length), cursor);
    out.push(...items);
    if (next === null) break;
    cursor = next;
  }
  return out;
}

class PagedAuditReader implements AuditReader {
  constructor(private readonly r: StoreReader) {}

  latest(limit: number, filter: AuditFilter = {}): AuditEvent[] {
    return collect(limit, (size, cursor) => {
      const p = this.r.events(filter, { limit: size, cursor });
      return { items: p.events, next: p.nextCursor };
    });
  }

  *iterate(filter: AuditFilter = {}): Iterable<AuditEvent> {
    let cursor: string | null = null;
    do {
      const p = this.r.events(filter, { limit: PAGE, cursor });
      yield* p.events;
      cursor = p.nextCursor;
    } while (cursor !== null);
  }

  alerts(limit: number): Alert[] {
    return collect(limit, (size, cursor) => {
      const p = this.r.alerts({}, { limit: size, cursor });
      return { items: p.alerts, next: p.nextCursor };
    });
  }

  count(): number {
    return this.r.count();
  }

  close(): void {
    this.r.close();
  }
}
