// A guard that cannot start (a configuration error: exit code 2) leaves a short note in the data
// dir, so the editor window that launched it can explain the problem and the fix. The editor
// owns the guard's process and the extension never sees its exit or its stderr; the data dir
// is where they meet (like the control file). One file per guard instance, replaced
// atomically; notes older than a day are pruned. Messages are scrubbed: config errors never
// quote a secret, and the scrubber is the last line of defence.
import { mkdirSync, readFileSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { INSTANCE_ID } from '../core/protocol/env.ts';
import { scrubText } from '../core/scrub/scrubber.ts';
import { writeFileAtomic } from './atomic-file.ts';

export const GUARD_ERRORS_DIR = 'guard-errors';
const KEEP_MS = 24 * 60 * 60 * 1000;

export const GuardStartErrorSchema = z.object({
  instance_id: z.string().regex(INSTANCE_ID).nullable(),
  pid: z.number().int(),
  ts: z.number(),
  /** One line: what is wrong and which variable or setting to fix. */
  message: z.string().max(1000),
});
export type GuardStartError = z.infer<typeof GuardStartErrorSchema>;

function fileName(instanceId: string | null, pid: number): string {
  return `${instanceId ?? `pid-${pid}`}.json`;
}

/** Best effort: a guard that cannot write its note still exits with its message on stderr. */
export function recordGuardStartError(dataDir: string, instanceId: string | null, message: string): void {
  const note: GuardStartError = {
    instance_id: instanceId !== null && INSTANCE_ID.test(instanceId) ? instanceId : null,
    pid: process.pid,
    ts: Date.now(),
    message: scrubText(message).slice(0, 1000),
  };
  try {
    const dir = join(dataDir, GUARD_ERRORS_DIR);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(dir, fileName(note.instance_id, note.pid), Buffer.from(JSON.stringify(note) + '\n', 'utf8'));
  } catch {
    // the data dir itself may be the problem
  }
}

/**
 * The note of the guard with this instance id when it is newer than `sinceMs`, else null.
 * One stat() when there is none, so it can run on every watch tick.
 */
export function readGuardStartError(dataDir: string, instanceId: string, sinceMs: number): GuardStartError | null {
  const path = join(dataDir, GUARD_ERRORS_DIR, fileName(instanceId, 0));
  try {
    if (statSync(path).mtimeMs < sinceMs) return null;
    const parsed = GuardStartErrorSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success && parsed.data.ts >= sinceMs ? parsed.data : null;
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
