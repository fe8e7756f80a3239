// Streams the audit log to a file, page by page from the store reader: memory stays at one page
// however large the store. Writes a temp file beside the target and renames it at the end, so
// a cancelled or failed export leaves no half file under the chosen name. No vscode.
import { createWriteStream, renameSync, unlinkSync } from 'node:fs';
import { once } from 'node:events';
import { eventCsvHeader, eventCsvRow } from '../../../core/export/csv.ts';
import type { AuditEvent } from '../../../core/types.ts';
import type { EventFilter, EventPage, PageQuery } from '../../../store/read/index.ts';

export type ExportFormat = 'csv' | 'ndjson';

export const formatOfPath = (path: string): ExportFormat | null =>
  /\.csv$/i.test(path) ? 'csv' : /\.(ndjson|jsonl)$/i.test(path) ? 'ndjson' : null;

export interface ExportOptions {
  format: ExportFormat;
  filter?: EventFilter;
  pageSize?: number;
  /** Checked between pages. */
  isCancelled?: () => boolean;
  /** Called after each page with the rows written so far. */
  onProgress?: (rows: number) => void;
}

export interface ExportResult {
  rows: number;
  cancelled: boolean;
}

type PageSource = { events(filter?: EventFilter, page?: PageQuery): EventPage };

export async function exportEvents(source: PageSource, path: string, opts: ExportOptions): Promise<ExportResult> {
  const tmp = `${path}.${process.pid}.partial`;
  const out = createWriteStream(tmp, { mode: 0o600 });
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const line = opts.format === 'csv' ? eventCsvRow : (e: AuditEvent) => JSON.stringify(e);
  let rows = 0;
  let cancelled = false;
  try {
    if (opts.format === 'csv') await write(eventCsvHeader() + '\n');
    let cursor: string | null = null;
    do {
      if (opts.isCancelled?.()) {
        cancelled = true;
        break;
      }
      const page: EventPage = source.events(opts.filter, { limit: opts.pageSize ?? 1000, cursor });
      let chunk = '';
      for (const e of page.events) chunk += line(e) + '\n';
      await write(chunk);
      rows += page.events.length;
      opts.onProgress?.(rows);
      cursor = page.nextCursor;
    } while (cursor !== null);
    out.end();
    await once(out, 'finish');
  } catch (err) {
    out.destroy();
    removeQuietly(tmp);
    throw err;
  }
  if (cancelled) removeQuietly(tmp);
  else renameSync(tmp, path);
  return { rows, cancelled };
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // not created or already gone
  }
}
