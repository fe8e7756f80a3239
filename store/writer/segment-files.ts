// Writing segment files: atomic, durable saves (store/atomic-file.ts), cleanup of temp files
// left by saves of dead processes, and moving damaged files aside. Writer only: readers never
// change a file.
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { removeDeadTemps as removeDeadTempsOf, writeFileAtomic } from '../atomic-file.ts';
import { stampOf, type FileStamp } from '../segments.ts';

const SEGMENT_RE = /^segment-\d{6}\.sqlite$/;

/** Writes `data` to `dir/name` atomically and durably. Returns the new file's stamp. */
export function atomicWrite(dir: string, name: string, data: Uint8Array): FileStamp {
  writeFileAtomic(dir, name, data);
  const stamp = stampOf(join(dir, name));
  if (stamp === null) throw new Error(`segment ${name} vanished right after it was written`);
  return stamp;
}

/** Deletes temp files left by saves of processes that are gone. */
export function removeDeadTemps(dbDir: string): void {
  removeDeadTempsOf(dbDir, (name) => SEGMENT_RE.test(name));
}

/** Renames a damaged file to `<name>.corrupt-<ts>` and returns the new path. */
export function moveAside(path: string): string {
  const aside = `${path}.corrupt-${Date.now()}`;
  renameSync(path, aside);
  return aside;
}
