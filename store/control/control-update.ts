// The control file's one writer: validates, then replaces <dataDir>/control.json atomically
// (format and reader: control-file.ts). Apart from the reader because it scrubs pause reasons,
// and the scrubber (provider rules, a phone library) is more code than a reader should load: the
// extension bundles this file on its own and loads it only when the user changes the control file.
import { mkdirSync } from 'node:fs';
import type { PolicyMode } from '../../core/protocol/vocabulary.ts';
import { scrubText } from '../../core/scrub/scrubber.ts';
import { removeDeadTemps, writeFileAtomic } from '../atomic-file.ts';
import {
  CONTROL_FILE,
  CONTROL_FILE_VERSION,
  ControlFileNewerError,
  ControlFileSchema,
  controlFilePath,
  emptyControlFile,
  readControlFile,
  type ControlFile,
  type Pause,
} from './control-file.ts';

/**
 * Validates `file` and replaces `<dataDir>/control.json` atomically and durably: temp file in the
 * data dir (mode 0600) + fsync + rename + fsync of the folder. Creates the data dir (0700) if
 * needed. Returns what was written.
 */
export function writeControlFile(dataDir: string, file: ControlFile): ControlFile {
  const valid = ControlFileSchema.parse({ ...file, version: CONTROL_FILE_VERSION });
  const doc: ControlFile = {
    version: CONTROL_FILE_VERSION,
    ...(valid.policy ? { policy: valid.policy } : {}),
    pause: valid.pause,
    ...(valid.auto_pause !== undefined ? { auto_pause: valid.auto_pause } : {}),
    updated_at: valid.updated_at,
    updated_by: valid.updated_by,
  };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  removeDeadTemps(dataDir, (name) => name === CONTROL_FILE);
  writeFileAtomic(dataDir, CONTROL_FILE, Buffer.from(JSON.stringify(doc, null, 2) + '\n', 'utf8'));
  return doc;
}

export interface ControlChange {
  /** undefined: keep; null: remove the override (each guard's WARDEN_POLICY applies). */
  policy?: PolicyMode | null;
  /** undefined: keep; null: resume. */
  pause?: Omit<Pause, 'by' | 'at'> | null;
  /** undefined: keep; null: remove (each guard's setting applies). */
  auto_pause?: boolean | null;
}

export interface UpdateOptions {
  /** Who changes it: "CLI", "VS Code", "auto-pause" … (the pause's `by` and the file's `updated_by`). */
  by: string;
  now?: number;
  /** Used instead of a broken file (the writer then replaces it). Default: the empty state. */
  fallback?: ControlFile;
  /** Keep an existing pause instead of replacing it (auto-pause does not overwrite the user's pause). */
  keepExistingPause?: boolean;
}

export interface UpdateResult {
  file: ControlFile;
  /** The file was broken and has been replaced (its content could not be kept). */
  replacedBroken: boolean;
  /** The pause was already set and kept (keepExistingPause). */
  keptPause: boolean;
}

/**
 * Read-modify-write of the control file through the atomic writer. Throws ControlFileNewerError
 * on a file of a newer version (never rewritten by an older writer).
 */
export function updateControlFile(dataDir: string, change: ControlChange, opts: UpdateOptions): UpdateResult {
  const now = opts.now ?? Date.now();
  const read = readControlFile(dataDir);
  let base: ControlFile;
  let replacedBroken = false;
  if (read.kind === 'missing') base = emptyControlFile();
  else if (read.ok) {
    if (read.declaredVersion > CONTROL_FILE_VERSION) throw new ControlFileNewerError(controlFilePath(dataDir), read.declaredVersion);
    base = read.file;
  } else {
    if (read.newer !== undefined) throw new ControlFileNewerError(controlFilePath(dataDir), read.newer);
    base = opts.fallback ?? emptyControlFile();
    replacedBroken = true;
  }
  const next: ControlFile = { ...base, version: CONTROL_FILE_VERSION, updated_at: now, updated_by: opts.by };
  if (change.policy !== undefined) {
    if (change.policy === null) delete next.policy;
    else next.policy = change.policy;
  }
  let keptPause = false;
  if (change.pause !== undefined) {
    if (change.pause === null) next.pause = null;
    else if (opts.keepExistingPause && base.pause && (base.pause.scope === 'all' || change.pause.scope === 'writes')) keptPause = true;
    // The reason is shown to agents and in the extension: no secret or customer datum in it.
    else next.pause = { ...change.pause, reason: scrubText(change.pause.reason), by: opts.by, at: now };
  }
  if (change.auto_pause !== undefined) {
    if (change.auto_pause === null) delete next.auto_pause;
    else next.auto_pause = change.auto_pause;
  }
  return { file: writeControlFile(dataDir, next), replacedBroken, keptPause };
}
