// `warden-guard control`: pause, resume, set the policy and auto-pause of every guard on a data
// dir, through the control file's one atomic writer (store/control/control-file.ts), and show
// its state. Running guards act on a change before their next call.
import { parseArgs } from 'node:util';
import { POLICY_MODES, type PolicyMode } from '../../core/protocol/vocabulary.ts';
import { scrubText } from '../../core/scrub/scrubber.ts';
import {
  CONTROL_BY,
  CONTROL_FILE_VERSION,
  ControlFileNewerError,
  controlFilePath,
  readControlFile,
  updateControlFile,
  type ControlChange,
  type ControlFile,
} from '../../store/control/index.ts';
import { localTime } from '../policy.ts';
import { UsageError } from './index.ts';
import { dataDirFrom } from './options.ts';

const HELP = `Usage: warden-guard control <command> [options]
Steers every guard on a data dir through <data dir>/control.json. Running guards act on a
change before their next call.

Commands:
  pause --writes|--all [--reason TEXT]   pause agent writes (reads still pass) or everything
  resume                                 lift the pause
  policy monitor|confirm|block           set the policy mode of every guard
  policy --clear                         remove it (each guard's WARDEN_POLICY applies)
  auto-pause on|off                      a critical alert pauses agent writes (default on)
  status [--json]                        show the control state (--json: one JSON object)

Options:
  --data-dir DIR   default WARDEN_DATA_DIR or ~/.warden
  -h, --help       this text (also: warden-guard control <command> --help)
`;

const SUB_HELP: Record<string, string> = {
  pause: `Usage: warden-guard control pause --writes|--all [--reason TEXT] [--data-dir DIR]
Pauses every guard on the data dir until you run \`warden-guard control resume\`.
  --writes       refuse agent writes and deletes; reads still pass
  --all          refuse every agent call
  --reason TEXT  shown to the agent in the refusal (one line, at most 300 characters)
`,
  resume: `Usage: warden-guard control resume [--data-dir DIR]
Lifts the pause (writes or everything) in every guard on the data dir.
`,
  policy: `Usage: warden-guard control policy monitor|confirm|block [--data-dir DIR]
       warden-guard control policy --clear [--data-dir DIR]
Sets the policy mode of every guard on the data dir (monitor forwards everything; confirm asks
before risk level 2 and above; block refuses risk level 3). --clear removes it, so each guard's
WARDEN_POLICY applies.
`,
  'auto-pause': `Usage: warden-guard control auto-pause on|off [--data-dir DIR]
on (the default): a guard that raises a critical alert pauses agent writes in every guard on
the data dir until the user resumes. off turns that off for every guard (a guard's own
WARDEN_AUTO_PAUSE=off also turns it off for that guard).
`,
  status: `Usage: warden-guard control status [--json] [--data-dir DIR]
Shows the policy, the pause (who, when, why) and the auto-pause setting. Exit code 1 when the
control file cannot be read (guards then keep their last good state).
`,
};

export async function runControl(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (sub === undefined || sub.startsWith('-')) {
    throw new UsageError('control needs a command first: pause, resume, policy, auto-pause or status (try control --help)');
  }
  if (!(sub in SUB_HELP)) throw new UsageError(`unknown control command "${sub.slice(0, 40)}" (try control --help)`);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        'data-dir': { type: 'string' },
        writes: { type: 'boolean' },
        all: { type: 'boolean' },
        reason: { type: 'string' },
        json: { type: 'boolean' },
        clear: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const o = parsed.values;
  const positionals = parsed.positionals;
  if (o.help) {
    process.stdout.write(SUB_HELP[sub]!);
    return 0;
  }
  const allowed: Record<string, string[]> = {
    pause: ['writes', 'all', 'reason'],
    resume: [],
    policy: ['clear'],
    'auto-pause': [],
    status: ['json'],
  };
  for (const k of Object.keys(o)) {
    if (k !== 'data-dir' && !allowed[sub]!.includes(k)) throw new UsageError(`control ${sub} does not take --${k}`);
  }
  const dataDir = dataDirFrom(o['data-dir'] !== undefined ? ['--data-dir', o['data-dir']] : []);
  const expectArgs = (n: number, what: string) => {
    if (positionals.length !== n) throw new UsageError(`control ${sub} takes ${what}`);
  };

  let change: ControlChange;
  let done: (f: ControlFile) => string;
  switch (sub) {
    case 'status':
      expectArgs(0, 'no arguments');
      return status(dataDir, o.json === true);
    case 'pause': {
      expectArgs(0, '--writes or --all, and --reason TEXT');
      if (o.writes === o.all) throw new UsageError('control pause takes one of --writes and --all');
      const reason = o.reason ?? '';
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f]/.test(reason)) throw new UsageError('--reason must be one line of text');
      if (reason.length > 300) throw new UsageError('--reason takes at most 300 characters');
      const scope = o.writes ? 'writes' : 'all';
      change = { pause: { scope, reason } };
      done = () =>
        `Paused ${scope === 'writes' ? 'agent writes (reads still pass)' : 'every agent call'} in every guard on ${dataDir}. Resume with \`warden-guard control resume\`.`;
      break;
    }
    case 'resume':
      expectArgs(0, 'no arguments');
      change = { pause: null };
      done = () => `Resumed: agent calls pass again in every guard on ${dataDir}.`;
      break;
    case 'policy': {
      if (o.clear) {
        expectArgs(0, 'monitor, confirm or block, or --clear');
        change = { policy: null };
        done = () => `Policy override removed: each guard on ${dataDir} uses its WARDEN_POLICY.`;
        break;
      }
      expectArgs(1, 'one of monitor, confirm or block (or --clear)');
      const mode = positionals[0]!;
      if (!(POLICY_MODES as readonly string[]).includes(mode))
        throw new UsageError(`control policy takes monitor, confirm or block, got "${mode.slice(0, 20)}"`);
      change = { policy: mode as PolicyMode };
      done = () => `Policy set to ${mode} in every guard on ${dataDir}.`;
      break;
    }
    case 'auto-pause': {
      expectArgs(1, 'on or off');
      const v = positionals[0]!;
      if (v !== 'on' && v !== 'off') throw new UsageError(`control auto-pause takes on or off, got "${v.slice(0, 20)}"`);
      change = { auto_pause: v === 'on' };
      done = () =>
        v === 'on'
          ? `Auto-pause on: a critical alert pauses agent writes in every guard on ${dataDir} (except guards started with WARDEN_AUTO_PAUSE=off).`
          : `Auto-pause off for every guard on ${dataDir}.`;
      break;
    }
    default:
      throw new UsageError(`unknown control command "${sub}"`);
  }

  let result;
  try {
    result = updateControlFile(dataDir, change, { by: CONTROL_BY.cli });
  } catch (err) {
    if (err instanceof ControlFileNewerError) {
      process.stderr.write(`warden-guard: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  if (result.replacedBroken) process.stderr.write(`warden-guard: ${controlFilePath(dataDir)} could not be read; it has been replaced\n`);
  process.stdout.write(done(result.file) + '\n');
  return 0;
}

function status(dataDir: string, json: boolean): number {
  const path = controlFilePath(dataDir);
  const read = readControlFile(dataDir);
  if (read.kind === 'present' && !read.ok) {
    if (json) process.stdout.write(JSON.stringify({ file: path, ok: false, error: read.error }) + '\n');
    process.stderr.write(`warden-guard: ${path} ${read.error}; guards keep their last good state\n`);
    return 1;
  }
  const file = read.kind === 'missing' ? null : read.file;
  const note = read.kind === 'present' && read.ok ? read.note : undefined;
  if (json) {
    process.stdout.write(
      JSON.stringify({
        file: path,
        exists: file !== null,
        ok: true,
        version: read.kind === 'present' && read.ok ? read.declaredVersion : CONTROL_FILE_VERSION,
        policy: file?.policy ?? null,
        pause: file?.pause ?? null,
        auto_pause: file?.auto_pause ?? null,
        updated_at: file?.updated_at || null,
        updated_by: file?.updated_by || null,
        ...(note ? { note } : {}),
      }) + '\n',
    );
    return 0;
  }
  const lines = [`Control file: ${path}${file === null ? ' (none yet: defaults apply)' : ''}`];
  if (note) lines.push(`Note: ${note}`);
  lines.push(`Policy:       ${file?.policy ?? "each guard's WARDEN_POLICY (default monitor)"}`);
  const p = file?.pause ?? null;
  if (p === null) lines.push('Pause:        none');
  else {
    lines.push(
      `Pause:        ${p.scope === 'writes' ? 'agent writes (reads still pass)' : 'everything'} — by ${p.by} ${localTime(p.at)}${p.reason ? `: ${scrubText(p.reason)}` : ''}`,
    );
    lines.push('              resume with `warden-guard control resume`');
  }
  lines.push(
    `Auto-pause:   ${file?.auto_pause === false ? 'off for every guard' : `on${file?.auto_pause === undefined ? ' (default)' : ''}, unless a guard runs with WARDEN_AUTO_PAUSE=off`}`,
  );
  if (file?.updated_at) lines.push(`Updated:      ${new Date(file.updated_at).toISOString()} by ${file.updated_by || 'unknown'}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
