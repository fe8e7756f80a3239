// The uploader's files in the data dir: upload/position.json (the last event the cloud
// acknowledged, in fold order) and upload/status.json (what warden_status and
// `audit --upload-status` show). Both are replaced atomically (temp + fsync + rename), so a
// kill -9 leaves the old or the new file, never a torn one. Only the upload.lock holder writes
// them. Neither ever holds the secret, a signature or an event.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../store/atomic-file.ts';
import type { FoldedPosition } from '../../store/read/folded-events.ts';

export const UPLOAD_DIR = 'upload';
export const UPLOAD_LOCK_FILE = 'upload.lock';
const POSITION_FILE = 'position.json';
const STATUS_FILE = 'status.json';

export interface UploadPosition extends FoldedPosition {
  /** When the cloud acknowledged the batch that ends here (ms). */
  at: number;
}

export interface UploadErrorNote {
  /** An upload error code, an HTTP status ("http_502") or a network class ("network"). */
  code: string;
  /** Scrubbed, at most 200 characters. */
  message: string;
  at: number;
}

export interface UploadStatusFile {
  updated_at: number;
  holder_pid: number;
  cloud_origin: string;
  last_success_at: number | null;
  last_error: UploadErrorNote | null;
  accepted_total: number;
  duplicates_total: number;
  /** Events the cloud refused as malformed (isolated by bisection) or rows too damaged to send. */
  rejected_total: number;
  /** Events dropped by retention before they were uploaded (as far as they could be counted). */
  lost_to_retention: number;
  /** Segments dropped by retention before they were uploaded. */
  lost_segments: number;
  next_attempt_at: number | null;
  paused_until: number | null;
  /** Folded events after the position when the holder last looked. */
  backlog: number;
  backlog_at: number;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

const wholeNumber = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export function readPosition(dataDir: string): UploadPosition | null {
  const v = readJson(join(dataDir, UPLOAD_DIR, POSITION_FILE)) as Partial<UploadPosition> | null;
  if (v === null || !wholeNumber(v.seq) || !wholeNumber(v.rowid)) return null;
  return { seq: v.seq, rowid: v.rowid, at: Number(v.at) || 0 };
}

export function writePosition(dataDir: string, pos: UploadPosition): void {
  const dir = join(dataDir, UPLOAD_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileAtomic(dir, POSITION_FILE, Buffer.from(JSON.stringify(pos) + '\n'));
}

export function readStatus(dataDir: string): UploadStatusFile | null {
  const v = readJson(join(dataDir, UPLOAD_DIR, STATUS_FILE));
  return typeof v === 'object' && v !== null && wholeNumber((v as UploadStatusFile).updated_at) ? (v as UploadStatusFile) : null;
}

export function writeStatus(dataDir: string, status: UploadStatusFile): void {
  const dir = join(dataDir, UPLOAD_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileAtomic(dir, STATUS_FILE, Buffer.from(JSON.stringify(status, null, 2) + '\n'));
}
