// CSV rows of audit events, shared by the CLI (`warden-guard audit --csv`) and the extension's
// export, so both write the same columns and neutralise the same cells.
import type { AuditEvent } from '../types.ts';

/** The columns of an exported event, in order (the header row). */
export const EVENT_CSV_COLUMNS: readonly (keyof AuditEvent)[] = [
  'id',
  'ts',
  'session_id',
  'instance_id',
  'client',
  'tool',
  'platform',
  'target',
  'method',
  'endpoint',
  'operation',
  'status',
  'latency_ms',
  'risk_level',
  'rules',
  'outcome',
  'error',
  'pii',
  'usage',
];

/** CSV cell: quoted when needed; formula-looking text is prefixed so spreadsheets do not run it. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const eventCsvHeader = (): string => EVENT_CSV_COLUMNS.join(',');

export const eventCsvRow = (e: AuditEvent): string => EVENT_CSV_COLUMNS.map((c) => csvCell(e[c])).join(',');
