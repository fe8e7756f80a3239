// The guard's side of store/guard-errors.ts: a guard that cannot start writes its one-line
// reason, scrubbed, where the window that launched it looks.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { scrubText } from '../../core/scrub/scrubber.ts';
import { writeFileAtomic } from '../atomic-file.ts';
import { GUARD_ERRORS_DIR, guardErrorFileName, type GuardStartError } from '../guard-errors.ts';
import { INSTANCE_ID } from '../../core/protocol/env.ts';

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
    writeFileAtomic(dir, guardErrorFileName(note.instance_id, note.pid), Buffer.from(JSON.stringify(note) + '\n', 'utf8'));
  } catch {
    // the data dir itself may be the problem
  }
}
