// "Clear Audit Data": deletes the store's segments and journals, coordinated with the guards.
// A running guard appends to its journal and would lose what it writes after the delete, and a
// folder holding <dataDir>/store.lock may be saving a segment: so this refuses while any guard
// journal is still open by a live process, and deletes only while holding the store lock itself
// (taken like the folder takes it, store/writer/lock.ts). No vscode.
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { JOURNAL_DIR, parseJournalLine, parseJournalName } from '../../../store/journal.ts';
import { DB_DIR } from '../../../store/segments.ts';
import { StoreLock, isPidAlive } from '../../../store/writer/lock.ts';

export type ClearResult = { ok: true; removed: number } | { ok: false; reason: string };

/** Pids of guards whose journal is open (a live process, no end record), and the journals of finished ones. */
export function journalsByState(dataDir: string): { livePids: number[]; finished: string[] } {
  const dir = join(dataDir, JOURNAL_DIR);
  const pids = new Set<number>();
  const finished: string[] = [];
  for (const name of safeList(dir)) {
    const j = parseJournalName(name);
    if (j === null) continue;
    if (isPidAlive(j.pid) && !journalEnded(join(dir, name))) pids.add(j.pid);
    else finished.push(name);
  }
  return { livePids: [...pids].sort((a, b) => a - b), finished };
}

export function clearAuditData(dataDir: string): ClearResult {
  const { livePids, finished } = journalsByState(dataDir);
  if (livePids.length > 0) {
    return {
      ok: false,
      reason: `${livePids.length === 1 ? 'A guard is' : `${livePids.length} guards are`} still recording to this store (process ${livePids.join(', ')}). Stop it first (MCP: List Servers → Warden → Stop Server; quit Claude Desktop if it uses the same folder), then clear again.`,
    };
  }
  const lock = new StoreLock(dataDir);
  if (existsSync(dataDir) && !lock.tryAcquire()) {
    return { ok: false, reason: 'A guard is saving the audit store right now (it holds store.lock). Try again in a few seconds.' };
  }
  try {
    // Segments, then only the journals seen finished above: one a guard opened since is kept.
    const dbDir = join(dataDir, DB_DIR);
    const paths = [...safeList(dbDir).map((n) => join(dbDir, n)), ...finished.map((n) => join(dataDir, JOURNAL_DIR, n))];
    let removed = 0;
    for (const path of paths) {
      try {
        unlinkSync(path);
        removed++;
      } catch {
        // gone already, or a folder we did not create: left alone
      }
    }
    return { ok: true, removed };
  } finally {
    lock.release();
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The journal's last line is its end record: nothing more will be written to it. Reads the tail only. */
function journalEnded(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return true;
  }
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(size, 4096));
    readSync(fd, buf, 0, buf.length, size - buf.length);
    const last = buf.toString('utf8').trimEnd().split('\n').pop() ?? '';
    return parseJournalLine(last)?.k === 'end';
  } finally {
    closeSync(fd);
  }
}
