// One folder at a time across processes: <dataDir>/store.lock, created with O_EXCL and holding
// {pid, host, token}. Its mtime is the heartbeat. A lock is stale when its pid is dead (same
// host) or its heartbeat is older than STALE_MS. Breaking a stale lock happens under a second,
// short-lived lock (store.lock.break, also O_EXCL) and re-checks the lock just before unlinking
// it, so two contenders cannot both remove a lock and both believe they own the next one.
// The holder re-verifies its token before every save (verify()), which closes the remaining
// window (e.g. a holder that was suspended for longer than STALE_MS).
// The same lease guards other single-holder jobs in the data dir under another file name
// (the uploader's upload.lock).
import { closeSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isPidAlive } from '../atomic-file.ts';

export { isPidAlive };

export const LOCK_FILE = 'store.lock';
export const STALE_MS = 15_000;
const BREAK_STALE_MS = 5_000;

interface LockContent {
  pid: number;
  host: string;
  token: string;
  ts: number;
}

function readLock(path: string): { content: LockContent | null; mtimeMs: number; ino: number } | null {
  try {
    const st = statSync(path);
    let content: LockContent | null = null;
    try {
      const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockContent>;
      if (typeof v.pid === 'number' && typeof v.token === 'string' && typeof v.host === 'string') {
        content = { pid: v.pid, host: v.host, token: v.token, ts: Number(v.ts) || 0 };
      }
    } catch {
      // unreadable or half-written: judged by its age alone
    }
    return { content, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch {
    return null;
  }
}

function isStale(l: { content: LockContent | null; mtimeMs: number }, now: number): boolean {
  if (now - l.mtimeMs > STALE_MS) return true;
  const c = l.content;
  if (c === null) return false; // being written right now, most likely
  return c.host === hostname() && !isPidAlive(c.pid);
}

function createExclusive(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

export class StoreLock {
  readonly path: string;
  private readonly breakPath: string;
  private token: string | null = null;

  constructor(dataDir: string, fileName: string = LOCK_FILE) {
    this.path = join(dataDir, fileName);
    this.breakPath = this.path + '.break';
  }

  get held(): boolean {
    return this.token !== null;
  }

  /** Takes the lock if it is free or stale. Never waits. */
  tryAcquire(now = Date.now()): boolean {
    if (this.token !== null) return this.verify();
    const token = randomBytes(8).toString('hex');
    const text = JSON.stringify({ pid: process.pid, host: hostname(), token, ts: now } satisfies LockContent);
    if (createExclusive(this.path, text)) {
      this.token = token;
      return true;
    }
    const current = readLock(this.path);
    if (current === null || !isStale(current, now)) return false;
    if (!this.breakStale(current.ino, current.content?.token ?? null, now)) return false;
    if (createExclusive(this.path, text)) {
      this.token = token;
      return true;
    }
    return false;
  }

  /** Still ours? Refreshes the heartbeat when it is. Drops the claim when it is not. */
  verify(): boolean {
    if (this.token === null) return false;
    const current = readLock(this.path);
    if (current?.content?.token !== this.token) {
      this.token = null;
      return false;
    }
    this.heartbeat();
    return true;
  }

  heartbeat(): void {
    if (this.token === null) return;
    try {
      const now = new Date();
      utimesSync(this.path, now, now);
    } catch {
      // gone: verify() will notice
    }
  }

  /**
   * The current holder's heartbeat (the lock file's mtime), or null when nobody holds the lock.
   * It moves on with every save of the holder: a waiter can tell a working holder from a stuck one.
   */
  holderHeartbeat(): number | null {
    return readLock(this.path)?.mtimeMs ?? null;
  }

  release(): void {
    if (this.token === null) return;
    const current = readLock(this.path);
    if (current?.content?.token === this.token) {
      try {
        unlinkSync(this.path);
      } catch {
        // already gone
      }
    }
    this.token = null;
  }

  /** Removes the stale lock seen as (`ino`, `token`), under the break lock. */
  private breakStale(ino: number, token: string | null, now: number): boolean {
    const mine = randomBytes(8).toString('hex');
    if (!createExclusive(this.breakPath, mine)) {
      // Another contender is breaking. Only a breaker that died mid-break leaves this file old.
      try {
        if (now - statSync(this.breakPath).mtimeMs > BREAK_STALE_MS) unlinkSync(this.breakPath);
      } catch {
        // gone already
      }
      return false;
    }
    try {
      const again = readLock(this.path);
      if (again === null) return true; // released meanwhile: free to create
      if (again.ino !== ino || (again.content?.token ?? null) !== token || !isStale(again, Date.now())) return false;
      unlinkSync(this.path);
      return true;
    } catch {
      return false;
    } finally {
      try {
        if (readFileSync(this.breakPath, 'utf8') === mine) unlinkSync(this.breakPath);
      } catch {
        // gone already
      }
    }
  }
}
