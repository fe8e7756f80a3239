// A guard that cannot start (a configuration error: exit code 2) leaves a short note in the data
// dir, so the editor window that launched it can explain the problem and the fix: the editor
// owns the guard's process and the extension never sees its exit or its stderr; the data dir
// is where they meet (like the control file). One file per guard instance, replaced
// atomically by the guard (store/writer/guard-error-note.ts); notes older than a day are
// pruned. This side only reads: no zod, so the extension's activation bundle stays small.
import { readFileSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { INSTANCE_ID } from '../core/protocol/env.ts';

export const GUARD_ERRORS_DIR = 'guard-errors';
const KEEP_MS = 24 * 60 * 60 * 1000;
const MAX_MESSAGE = 1000;

export interface GuardStartError {
  /** WARDEN_INSTANCE_ID of the guard, or null when it had none. */
  instance_id: string | null;
  pid: number;
  ts: number;
  /** One line, scrubbed: what is wrong and which variable or setting to fix. */
  message: string;
}

export function guardErrorFileName(instanceId: string | null, pid: number): string {
  return `${instanceId !== null && INSTANCE_ID.test(instanceId) ? instanceId : `pid-${pid}`}.json`;
}

function parseNote(text: string): GuardStartError | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const n = v as Record<string, unknown>;
  const idOk = n.instance_id === null || (typeof n.instance_id === 'string' && INSTANCE_ID.test(n.instance_id));
  if (!idOk || !Number.isInteger(n.pid) || typeof n.ts !== 'number' || typeof n.message !== 'string') return null;
  return { instance_id: n.instance_id as string | null, pid: n.pid as number, ts: n.ts, message: n.message.slice(0, MAX_MESSAGE) };
}

/**
 * The note of the guard with this instance id when it is newer than `sinceMs`, else null.
 * One stat() when there is none, so it can run on every tick.
 */
export function readGuardStartError(dataDir: string, instanceId: string, sinceMs: number): GuardStartError | null {
  const path = join(dataDir, GUARD_ERRORS_DIR, guardErrorFileName(instanceId, 0));
  try {
    if (statSync(path).mtimeMs < sinceMs) return null;
    const note = parseNote(readFileSync(path, 'utf8'));
    return note !== null && note.ts >= sinceMs ? note : null;
  } catch {
    return null;
  }
}

/** Removes notes older than a day. */
export function pruneGuardStartErrors(dataDir: string, now = Date.now()): void {
  const dir = join(dataDir, GUARD_ERRORS_DIR);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    try {
      if (now - statSync(join(dir, name)).mtimeMs > KEEP_MS) unlinkSync(join(dir, name));
    } catch {
      // gone already
    }
  }
}
