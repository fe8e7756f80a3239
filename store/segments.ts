// Segment files on disk: <dataDir>/db/segment-<seq 6 digits>.sqlite. The highest seq is the
// newest segment, the only one the folder writes. Saves are atomic: temp file + fsync +
// rename + fsync of the directory, so a kill at any moment leaves either the old or the new
// file, both complete.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { isPidAlive } from './writer/lock.ts';

export const DB_DIR = 'db';
const SEGMENT_RE = /^segment-(\d{6})\.sqlite$/;
const TEMP_RE = /^\.segment-\d{6}\.sqlite\.(\d+)\.[0-9a-f]+\.tmp$/;

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

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not supported everywhere (Windows); the rename itself is still atomic.
  }
}

/** Writes `data` to `dir/name` atomically and durably. Returns the new file's stamp. */
export function atomicWrite(dir: string, name: string, data: Uint8Array): FileStamp {
  const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    let done = 0;
    while (done < data.length) done += writeSync(fd, data, done, data.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, name));
  fsyncDir(dir);
  const stamp = stampOf(join(dir, name));
  if (stamp === null) throw new Error(`segment ${name} vanished right after it was written`);
  return stamp;
}

/** Deletes temp files left by saves of processes that are gone. */
export function removeDeadTemps(dbDir: string): void {
  let names: string[];
  try {
    names = readdirSync(dbDir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = TEMP_RE.exec(n);
    if (m && !isPidAlive(Number(m[1]))) {
      try {
        unlinkSync(join(dbDir, n));
      } catch {
        // someone else removed it
      }
    }
  }
}

/** Renames a damaged file to `<name>.corrupt-<ts>` and returns the new path. */
export function moveAside(path: string): string {
  const aside = `${path}.corrupt-${Date.now()}`;
  renameSync(path, aside);
  return aside;
}
