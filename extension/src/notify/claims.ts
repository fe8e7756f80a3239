// "Once across windows": before showing an alert, a window claims it by creating
// <dataDir>/notified/<alert id> with O_EXCL. Only one process can create a given file, so only
// one window shows the notification. Claims older than a day are pruned.
import { closeSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

export const CLAIM_DIR = 'notified';
export const CLAIM_TTL_MS = 24 * 60 * 60 * 1000;
/** Alert ids are ULIDs; anything else (a damaged record) is never used as a file name. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** True when this process now owns the alert's notification; false when another did first (or the id is unsafe). */
export function claimAlert(dataDir: string, alertId: string): boolean {
  if (!SAFE_ID.test(alertId)) return false;
  const dir = join(dataDir, CLAIM_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let fd: number;
  try {
    fd = openSync(join(dir, alertId), 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  closeSync(fd);
  return true;
}

/** Removes claims older than `ttlMs`. Returns how many were removed. */
export function pruneClaims(dataDir: string, now = Date.now(), ttlMs = CLAIM_TTL_MS): number {
  const dir = join(dataDir, CLAIM_DIR);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (now - statSync(path).mtimeMs > ttlMs) {
        unlinkSync(path);
        removed++;
      }
    } catch {
      // removed by another window meanwhile
    }
  }
  return removed;
}
