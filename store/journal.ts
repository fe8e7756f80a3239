// The journal: the durable log on the guard's request path. Each guard process appends NDJSON
// lines to its own file under <dataDir>/journal/, one fs.writeSync per record and no fsync.
// A write that returned is in the kernel's page cache, which survives kill -9 of the process.
// Power loss is out of scope: journals are never fsynced (an fsync, even from the folder
// thread, holds the file's inode lock and stalls the appends on the request path). If a power
// cut leaves a journal shorter than its saved offset, the folder warns and carries on.
// The folder only ever consumes complete lines ending in "\n", so a torn last line is left
// alone until it is completed, or forever if its writer died.
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Alert, AuditEvent } from '../core/types.ts';
import { EVENT_SCHEMA_VERSION, parseAlert, parseAuditEvent } from '../core/protocol/event.ts';

export type JournalRecord =
  /** First line of every file: who writes it, and the event schema version it writes (absent = 1). */
  | { k: 'open'; pid: number; instance_id: string; ts: number; v: number }
  /** Written before forwarding upstream; provisional outcome "error", replaced by the final event. */
  | { k: 'intent'; e: AuditEvent }
  /** The final event (same id as its intent, if any). */
  | { k: 'event'; e: AuditEvent }
  | { k: 'alert'; a: Alert }
  /** Last line: "close" when the store closed, "rotate" when the writer moved on to the next file. */
  | { k: 'end'; reason: 'close' | 'rotate'; ts: number };

export const JOURNAL_DIR = 'journal';
/** The writer starts a new file past this size so fully folded files can be deleted. */
export const DEFAULT_ROTATE_BYTES = 32 * 1024 * 1024;

/** Parts of a journal file name: `<instance>.<pid>.<token>.<seq>.ndjson`. */
export interface JournalName {
  name: string;
  /** `<instance>.<pid>.<token>`: one writer (one AuditStore); its files differ only by seq. */
  writer: string;
  pid: number;
  seq: number;
}

const NAME_RE = /^([A-Za-z0-9_-]{1,64})\.(\d{1,10})\.([a-z0-9]{1,16})\.(\d{6})\.ndjson$/;

export function parseJournalName(name: string): JournalName | null {
  const m = NAME_RE.exec(name);
  if (!m) return null;
  return { name, writer: `${m[1]}.${m[2]}.${m[3]}`, pid: Number(m[2]), seq: Number(m[4]) };
}

function safeInstance(instanceId: string): string {
  return instanceId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'guard';
}

/** Appends records to this writer's journal file; rotates to a new file when it grows large. */
export class JournalWriter {
  private fd: number;
  private seq = 0;
  private bytes = 0;
  private fileName: string;
  private readonly prefix: string;

  constructor(
    private readonly dir: string,
    private readonly instanceId: string,
    private readonly rotateBytes = DEFAULT_ROTATE_BYTES,
  ) {
    this.prefix = `${safeInstance(instanceId)}.${process.pid}.${randomBytes(5).toString('hex')}`;
    this.fileName = this.nameFor(0);
    this.fd = this.openFile(this.fileName);
  }

  /** Name of the file being written and the byte length written to it so far. */
  position(): { name: string; offset: number } {
    return { name: this.fileName, offset: this.bytes };
  }

  /** One record = one line = one write call. Throws if the write fails (disk full, closed). */
  append(record: JournalRecord): void {
    this.writeLine(JSON.stringify(record) + '\n');
    if (this.bytes >= this.rotateBytes) this.rotate();
  }

  close(): void {
    if (this.fd < 0) return;
    try {
      this.writeLine(JSON.stringify({ k: 'end', reason: 'close', ts: Date.now() } satisfies JournalRecord) + '\n');
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  private nameFor(seq: number): string {
    return `${this.prefix}.${String(seq).padStart(6, '0')}.ndjson`;
  }

  private openFile(name: string): number {
    // 'ax': append-only and never reuse an existing file.
    const fd = openSync(join(this.dir, name), 'ax', 0o600);
    this.bytes = fstatSync(fd).size;
    this.fileName = name;
    const open: JournalRecord = {
      k: 'open',
      pid: process.pid,
      instance_id: this.instanceId,
      ts: Date.now(),
      v: EVENT_SCHEMA_VERSION,
    };
    this.fd = fd;
    this.writeLine(JSON.stringify(open) + '\n');
    return fd;
  }

  private rotate(): void {
    this.writeLine(JSON.stringify({ k: 'end', reason: 'rotate', ts: Date.now() } satisfies JournalRecord) + '\n');
    closeSync(this.fd);
    this.seq += 1;
    this.fd = this.openFile(this.nameFor(this.seq));
  }

  private writeLine(line: string): void {
    if (this.fd < 0) throw new Error('audit journal is closed');
    const buf = Buffer.from(line, 'utf8');
    let done = 0;
    // A regular-file write is practically never short; if it is, finish the line (the file
    // is ours alone, so nothing can interleave).
    while (done < buf.length) done += writeSync(this.fd, buf, done, buf.length - done);
    this.bytes += buf.length;
  }
}

/** Parses one journal line; null when it is not a valid record. */
export function parseJournalLine(line: string): JournalRecord | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Record<string, unknown>;
  switch (r.k) {
    case 'intent':
    case 'event': {
      const e = parseAuditEvent(r.e);
      return e ? { k: r.k, e } : null;
    }
    case 'alert': {
      const a = parseAlert(r.a);
      return a ? { k: 'alert', a } : null;
    }
    case 'open':
      return typeof r.pid === 'number' && typeof r.instance_id === 'string' && typeof r.ts === 'number'
        ? {
            k: 'open',
            pid: r.pid,
            instance_id: r.instance_id,
            ts: r.ts,
            v: Number.isInteger(r.v) && (r.v as number) >= 1 ? (r.v as number) : 1,
          }
        : null;
    case 'end':
      return (r.reason === 'close' || r.reason === 'rotate') && typeof r.ts === 'number' ? { k: 'end', reason: r.reason, ts: r.ts } : null;
    default:
      return null;
  }
}

/** One complete line of a journal: its record (null when invalid) and the offset just past it. */
export interface JournalLine {
  record: JournalRecord | null;
  end: number;
}

/** Read size; also the longest line accepted. */
export const CHUNK = 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * Reads the complete lines of an open journal from byte `from` up to `size`. A trailing
 * partial line is not returned. A line longer than 1 MiB is returned as invalid (skipped).
 */
export function* readJournalLines(fd: number, from: number, size: number, buf = Buffer.allocUnsafe(CHUNK)): Generator<JournalLine> {
  if (buf.length < CHUNK) throw new RangeError('journal read buffer must hold 1 MiB');
  let pos = from;
  while (pos < size) {
    const n = readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos);
    if (n <= 0) return;
    let start = 0;
    let nl = buf.indexOf(NEWLINE, 0);
    if (nl < 0 || nl >= n) {
      if (n < CHUNK) return; // partial last line: wait for the rest
      // An over-long line: skip to its end and report it as invalid.
      const end = skipToNewline(fd, buf, pos + n, size);
      if (end < 0) return;
      yield { record: null, end };
      pos = end;
      continue;
    }
    while (nl >= 0 && nl < n) {
      if (nl > start) yield { record: parseJournalLine(buf.toString('utf8', start, nl)), end: pos + nl + 1 };
      start = nl + 1;
      nl = buf.indexOf(NEWLINE, start);
    }
    pos += start;
  }
}

function skipToNewline(fd: number, buf: Buffer, from: number, size: number): number {
  let pos = from;
  while (pos < size) {
    const n = readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos);
    if (n <= 0) return -1;
    const nl = buf.indexOf(NEWLINE, 0);
    if (nl >= 0 && nl < n) return pos + nl + 1;
    pos += n;
  }
  return -1;
}
