// The control file: how the user (the extension, the CLI) and the guards themselves (auto-pause)
// steer every guard on one data dir. DESIGN.md "Control file (extension → guards)".
//
//   <dataDir>/control.json
//   {
//     "version": 2,
//     "policy": "monitor" | "confirm" | "block",      // absent: each guard's WARDEN_POLICY
//     "pause": null | {
//       "scope": "writes" | "all",                     // writes: reads still pass
//       "by": "VS Code" | "CLI" | "auto-pause" | …,    // who paused (shown to the agent)
//       "at": 1767225600000,                           // when (unix ms)
//       "reason": "3 delete calls in a row",           // why (shown to the agent, scrubbed)
//       "alert_id": "01J…"                             // auto-pause: the alert that paused
//     },
//     "auto_pause": true | false,                      // absent: on; false turns it off for every guard
//     "updated_at": 1767225600000,
//     "updated_by": "CLI"
//   }
//
// Version 1 (no "version" field) is still read: {"policy": "block"}, {"paused": true} (pause
// everything), {"paused": false}.
//
// Compatibility rule for later versions: a version N > 2 may add fields and values, but keeps
// the meaning of every version-2 field. An older guard reading a newer file therefore honours
// the version-2 fields it understands (a newer extension's pause still stops an older guard's
// writes) and warns; if those fields do not validate, it keeps its last good state. An older
// writer never rewrites a newer file (ControlFileNewerError): it would drop what it does not
// understand.
//
// Writers replace the file atomically (temp file + fsync + rename, mode 0600): a reader sees the
// old file or the new one, never a mix. Concurrent writers: the last rename wins.
//
// No guard code here: the extension imports this module as it is (Node, no MCP SDK).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
// zod/mini, not classic zod: the extension's store bundle loads this file (see core/protocol/event.ts).
import * as z from 'zod/mini';
import '../../core/protocol/zod-english.ts';
import { POLICY_MODES } from '../../core/protocol/vocabulary.ts';

export const CONTROL_FILE = 'control.json';
export const CONTROL_FILE_VERSION = 2;

/** Well-known `by` values. Others (an editor's name: "VS Code", "Cursor") are shown as "in <by>". */
export const CONTROL_BY = { cli: 'CLI', autoPause: 'auto-pause', legacy: 'control file' } as const;

export const PAUSE_SCOPES = ['writes', 'all'] as const;
export type PauseScope = (typeof PAUSE_SCOPES)[number];

const MAX_REASON = 300;
const MAX_BY = 60;

/** Who/why texts: one line, no control characters, bounded. */
const label = (max: number) =>
  z.pipe(
    z.string().check(z.maxLength(max * 4)),
    z.transform((s: string) =>
      s
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
        .trim()
        .slice(0, max),
    ),
  );
const time = () => z.number().check(z.int(), z.nonnegative());

export const PauseSchema = z.object({
  scope: z.enum(PAUSE_SCOPES),
  by: z.pipe(label(MAX_BY), z.string().check(z.minLength(1))),
  at: time(),
  reason: z._default(label(MAX_REASON), ''),
  alert_id: z.optional(z.string().check(z.maxLength(64))),
});
export type Pause = z.infer<typeof PauseSchema>;

/** The version-2 fields. Unknown fields are dropped (strip), so a newer file reads as far as v2 goes. */
export const ControlFileSchema = z.object({
  version: z.number().check(z.int(), z.minimum(CONTROL_FILE_VERSION)),
  policy: z.optional(z.enum(POLICY_MODES)),
  pause: z._default(z.nullable(PauseSchema), null),
  auto_pause: z.optional(z.boolean()),
  updated_at: z._default(time(), 0),
  updated_by: z._default(label(MAX_BY), ''),
});
export type ControlFile = z.infer<typeof ControlFileSchema>;

/** Version 1: no "version" field, `paused: true` pauses everything. */
const ControlFileV1Schema = z.object({
  policy: z.optional(z.enum(POLICY_MODES)),
  paused: z.optional(z.boolean()),
});

export type ParsedControlFile =
  | {
      ok: true;
      file: ControlFile;
      /** The version the file declares (1 for a version-1 file); > CONTROL_FILE_VERSION for a newer one. */
      declaredVersion: number;
      /** Set for a file this version reads only in part (newer) or converts (v1). */
      note?: string;
    }
  | { ok: false; error: string; /** A newer file whose version-2 fields do not validate. */ newer?: number };

/** An empty version-2 file: no policy override, not paused, auto-pause as each guard's setting. */
export function emptyControlFile(): ControlFile {
  return { version: CONTROL_FILE_VERSION, pause: null, updated_at: 0, updated_by: '' };
}

function issues(err: z.core.$ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`)
    .join('; ');
}

/**
 * Parses the file's text. Pure. `mtimeMs` dates a version-1 pause (which records no time).
 * Never throws.
 */
export function parseControlFile(text: string, mtimeMs = 0): ParsedControlFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'is not valid JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, error: 'is not a JSON object' };
  const version = (json as { version?: unknown }).version;
  if (version === undefined) {
    const v1 = ControlFileV1Schema.safeParse(json);
    if (!v1.success) return { ok: false, error: `is not a valid control file (${issues(v1.error)})` };
    const at = Math.max(0, Math.floor(mtimeMs));
    return {
      ok: true,
      declaredVersion: 1,
      note: 'version 1 file (no "version" field)',
      file: {
        version: CONTROL_FILE_VERSION,
        ...(v1.data.policy ? { policy: v1.data.policy } : {}),
        pause: v1.data.paused ? { scope: 'all', by: CONTROL_BY.legacy, at, reason: '' } : null,
        updated_at: at,
        updated_by: CONTROL_BY.legacy,
      },
    };
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < CONTROL_FILE_VERSION) {
    return { ok: false, error: `has an invalid "version" (${JSON.stringify(version)?.slice(0, 20)}); expected ${CONTROL_FILE_VERSION}` };
  }
  const parsed = ControlFileSchema.safeParse(json);
  if (version > CONTROL_FILE_VERSION) {
    if (!parsed.success) {
      return {
        ok: false,
        newer: version,
        error: `was written by a newer Warden (version ${version}) and its version-${CONTROL_FILE_VERSION} fields do not validate (${issues(parsed.error)})`,
      };
    }
    return {
      ok: true,
      declaredVersion: version,
      note: `written by a newer Warden (version ${version}); this guard understands version ${CONTROL_FILE_VERSION} and honours those fields only`,
      file: { ...parsed.data, version },
    };
  }
  if (!parsed.success) return { ok: false, error: `is not a valid control file (${issues(parsed.error)})` };
  return { ok: true, declaredVersion: version, file: parsed.data };
}

export type ReadControlFile = { kind: 'missing' } | ({ kind: 'present'; mtimeMs: number } & ParsedControlFile);

export function controlFilePath(dataDir: string): string {
  return join(dataDir, CONTROL_FILE);
}

/** Reads and parses `<dataDir>/control.json`. Never throws: an unreadable file is `ok: false`. */
export function readControlFile(dataDir: string): ReadControlFile {
  const path = controlFilePath(dataDir);
  let text: string;
  let mtimeMs: number;
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    if (st === undefined) return { kind: 'missing' };
    mtimeMs = st.mtimeMs;
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'present', mtimeMs: 0, ok: false, error: `cannot be read (${code ?? (err as Error).message})` };
  }
  return { kind: 'present', mtimeMs, ...parseControlFile(text, mtimeMs) };
}

// ---- Tolerant reading with a cheap change check --------------------------------------------------

/** What identifies one version of the file on disk: a rename gives a new inode, an edit a new mtime/size. */
interface Stamp {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

const sameAs = (a: Stamp, b: Stamp) => a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;

function stampOf(path: string): Stamp | null {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    return st === undefined ? null : { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
  } catch {
    return null;
  }
}

/**
 * Keeps the last good control state of one data dir. `check()` costs one stat() when nothing
 * changed (call it before every decision); it re-reads the file only when its stamp changed.
 * A missing file is the empty state (nothing paused, no override). A broken file, or a newer
 * one whose version-2 fields do not validate, keeps the last good state and warns once per
 * change of the file.
 */
export class ControlFileReader {
  readonly path: string;
  private last: ControlFile = emptyControlFile();
  private stamp: Stamp | null = null;
  private checked = false;

  constructor(
    readonly dataDir: string,
    private readonly warn: (msg: string) => void = () => {},
  ) {
    this.path = controlFilePath(dataDir);
  }

  /** The last good state. */
  get current(): ControlFile {
    return this.last;
  }

  /** Re-reads the file if it changed since the last check. Returns true when the state may have changed. */
  check(): boolean {
    let st;
    try {
      st = statSync(this.path, { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    const last = this.stamp;
    if (this.checked && (st === undefined ? last === null : last !== null && sameAs(last, st))) return false;
    const stamp = st === undefined ? null : { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
    this.checked = true;
    this.stamp = stamp;
    if (stamp === null) {
      this.last = emptyControlFile();
      return true;
    }
    const read = readControlFile(this.dataDir);
    if (read.kind === 'missing') {
      this.last = emptyControlFile();
      return true;
    }
    if (!read.ok) {
      this.warn(`${this.path} ${read.error}; keeping the last good state (${describeControl(this.last)})`);
      return false;
    }
    if (read.note && read.declaredVersion > CONTROL_FILE_VERSION) this.warn(`${this.path} ${read.note}`);
    this.last = read.file;
    return true;
  }

  /** Takes a state this process just wrote (or failed to write) as current, without re-reading. */
  adopt(file: ControlFile): void {
    this.last = file;
    this.stamp = stampOf(this.path);
    this.checked = true;
  }
}

/** A short description for logs and the CLI: "policy block, agent writes paused by CLI, auto-pause on". */
export function describeControl(file: ControlFile): string {
  const parts = [
    file.policy ? `policy ${file.policy}` : 'policy from each guard',
    file.pause ? `${file.pause.scope === 'all' ? 'everything' : 'agent writes'} paused by ${file.pause.by}` : 'not paused',
    `auto-pause ${file.auto_pause === false ? 'off' : 'on'}`,
  ];
  return parts.join(', ');
}

// ---- The one writer -------------------------------------------------------------------------------

/** The file on disk was written by a newer Warden: this version does not rewrite it. */
export class ControlFileNewerError extends Error {
  override name = 'ControlFileNewerError';
  constructor(
    readonly path: string,
    readonly version: number,
  ) {
    super(
      `${path} was written by a newer Warden (version ${version}); change it with that version (this one writes version ${CONTROL_FILE_VERSION})`,
    );
  }
}
