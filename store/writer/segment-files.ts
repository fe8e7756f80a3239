// Writing segment files: atomic, durable saves (temp file + fsync + rename + fsync of the
// directory, so a kill at any moment leaves either the old or the new file, both complete),
// cleanup of temp files left by dead processes, and moving damaged files aside. Writer only:
// readers never change a file.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { isPidAlive } from './lock.ts';
import { stampOf, type FileStamp } from '../segments.ts';

const TEMP_RE = /^\.segment-\d{6}\.sqlite\.(\d+)\.[0-9a-f]+\.tmp$/;

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
