// Replacing a file atomically and durably: a temp file beside it (mode 0600) + fsync + rename +
// fsync of the folder, so a kill or a crash at any moment leaves either the old or the new
// file, both complete, and a reader never sees a torn one. Used for segment saves and the
// control file. Temp files are named `.<name>.<pid>.<random>.tmp`, so the ones left by a
// process that died between open and rename can be found and removed.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

const TEMP_RE = /^\.(.+)\.(\d+)\.[0-9a-f]+\.tmp$/;

export function writeFileAtomic(dir: string, name: string, data: Uint8Array): void {
  const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      let done = 0;
      while (done < data.length) done += writeSync(fd, data, done, data.length - done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(dir, name));
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already gone
    }
    throw err;
  }
  fsyncDir(dir);
}

/** Deletes the temp files in `dir` whose target name passes `isTarget` and whose writer process is gone. */
export function removeDeadTemps(dir: string, isTarget: (name: string) => boolean): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = TEMP_RE.exec(n);
    if (!m || !isTarget(m[1]!)) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || isPidAlive(pid)) continue;
    try {
      unlinkSync(join(dir, n));
    } catch {
      // someone else removed it
    }
  }
}

/** Whether a process with this pid runs on this machine (EPERM: it runs, as another user). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
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
