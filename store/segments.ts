// Segment files on disk: <dataDir>/db/segment-<seq 6 digits>.sqlite. The highest seq is the
// newest segment, the only one the folder writes (saves: writer/segment-files.ts). Naming,
// listing and file stamps are shared by the writer and the readers.
import { readdirSync, statSync } from 'node:fs';

export const DB_DIR = 'db';
const SEGMENT_RE = /^segment-(\d{6})\.sqlite$/;

export function segmentName(seq: number): string {
  return `segment-${String(seq).padStart(6, '0')}.sqlite`;
}

/** Seqs of the segment files in `dbDir`, ascending. */
export function listSegments(dbDir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dbDir);
  } catch {
    return [];
  }
  const seqs: number[] = [];
  for (const n of names) {
    const m = SEGMENT_RE.exec(n);
    if (m) seqs.push(Number(m[1]));
  }
  return seqs.sort((a, b) => a - b);
}

/** Identity of a file version: changes whenever the file is replaced or rewritten. */
export interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
}

export function stampOf(path: string): FileStamp | null {
  try {
    const st = statSync(path);
    return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return null;
  }
}

export function sameStamp(a: FileStamp | null, b: FileStamp | null): boolean {
  return a !== null && b !== null && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}
