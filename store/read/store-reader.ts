// The read API for a UI (the extension) and the CLI: pages, sessions, aggregates over a
// snapshot of the store. Call refresh() (e.g. when a watch reports something new) to see
// what was written since; cursors stay valid across refreshes.
import type { SqlJsStatic } from 'sql.js';
import { aggregate } from './aggregates.ts';
import type { AggregateQuery, Aggregates } from './aggregates.ts';
import { alertPage, eventPage, sessionList } from './pages.ts';
import type { AlertFilter, AlertPage, EventFilter, EventPage, PageQuery, SessionQuery, SessionSummary } from './pages.ts';
import { Snapshot } from './snapshot.ts';
import { loadSqlJsFrom } from './wasm.ts';
import type { WasmLocation } from './wasm.ts';

export interface StoreReaderOptions extends WasmLocation {
  dataDir: string;
  /** Damaged or vanished files; default: a line on stderr. */
  onWarning?: (msg: string) => void;
  /** An initialised sql.js, instead of loading it from the wasm location. */
  SQL?: SqlJsStatic;
}

export interface StoreReader {
  /** Newest-first page of events matching `filter`. */
  events(filter?: EventFilter, page?: PageQuery): EventPage;
  /** Newest-first page of alerts matching `filter`. */
  alerts(filter?: AlertFilter, page?: PageQuery): AlertPage;
  /** Sessions with events in a window, most recent first (the audit tree's top level). */
  sessions(query?: SessionQuery): SessionSummary[];
  /** Dashboard counts over a time range. */
  aggregate(query?: AggregateQuery): Aggregates;
  /** Events in the store, including calls still in flight. */
  count(): number;
  /** Takes a new snapshot: what was written since becomes visible. */
  refresh(): void;
  /** True when refresh() would see something new (the store's files changed since the snapshot); a few stat calls. */
  outdated(): boolean;
  close(): void;
}

export function warnToStderr(msg: string): void {
  process.stderr.write(`warden audit: ${msg}\n`);
}

export async function openStoreReader(opts: StoreReaderOptions): Promise<StoreReader> {
  const SQL = opts.SQL ?? (await loadSqlJsFrom(opts));
  return new SnapshotStoreReader(new Snapshot(SQL, opts.dataDir, opts.onWarning ?? warnToStderr));
}

class SnapshotStoreReader implements StoreReader {
  constructor(private readonly snap: Snapshot) {}

  events(filter?: EventFilter, page?: PageQuery): EventPage {
    return eventPage(this.snap, filter, page);
  }

  alerts(filter?: AlertFilter, page?: PageQuery): AlertPage {
    return alertPage(this.snap, filter, page);
  }

  sessions(query?: SessionQuery): SessionSummary[] {
    return sessionList(this.snap, query);
  }

  aggregate(query?: AggregateQuery): Aggregates {
    return aggregate(this.snap, query);
  }

  count(): number {
    const snap = this.snap;
    snap.assertOpen();
    let n = snap.overlay.size;
    for (const seg of snap.segments) {
      if (!Number.isNaN(seg.count)) n += seg.count;
      else {
        const db = snap.db(seg.seq);
        n += db === null ? 0 : Number(db.exec('SELECT count(*) FROM events')[0]?.values[0]?.[0] ?? 0);
      }
    }
    return n;
  }

  refresh(): void {
    this.snap.take();
  }

  outdated(): boolean {
    return this.snap.outdated();
  }

  close(): void {
    this.snap.close();
  }
}
