// Policy: what happens to a call of a given risk. A pause comes first: "writes" refuses every
// call that is not a read (action write or delete) and lets reads through; "all" refuses every
// call. Then the mode: monitor forwards everything; confirm asks the user (MCP elicitation)
// before risk ≥ 2; block refuses risk 3.
import { scrubText } from '../core/scrub/scrubber.ts';
import type { RiskResult } from '../core/types.ts';
import { CONTROL_BY, type Pause } from '../store/control/control-file.ts';
import type { ControlState } from './control.ts';

export type Decision =
  | { kind: 'allow' }
  | { kind: 'confirm'; reason: string }
  /** `message`, when set, is the agent's whole text (a pause explains itself); else "Warden blocked this call: <reason>". */
  | { kind: 'block'; reason: string; message?: string };

export const CONFIRM_AT_LEVEL = 2;
export const BLOCK_AT_LEVEL = 3;

/** How the user lifts a pause (the extension's command title, DESIGN.md "Extension contract", and the CLI). */
export const RESUME_HINT = 'The user resumes with "Warden: Resume Agent Writes" in VS Code or `warden-guard control resume`.';

export function decide(state: Pick<ControlState, 'policy' | 'pause'>, risk: RiskResult, now = Date.now()): Decision {
  const { pause } = state;
  if (pause !== null && (pause.scope === 'all' || risk.action !== 'read')) {
    const what = pause.scope === 'all' ? 'all agent calls' : 'agent writes';
    const text = pauseText(pause, now);
    return {
      kind: 'block',
      reason: `${what} paused ${text}`,
      message: `Warden paused ${what} ${text}. ${pause.scope === 'all' ? 'Nothing reaches the API, reads included.' : 'Reads still pass.'} ${RESUME_HINT}`,
    };
  }
  const what = risk.labels[0] ?? `risk level ${risk.risk_level}`;
  if (state.policy === 'block' && risk.risk_level >= BLOCK_AT_LEVEL) {
    return { kind: 'block', reason: `blocked by policy (block mode refuses risk level ${BLOCK_AT_LEVEL}): ${what}` };
  }
  if (state.policy === 'confirm' && risk.risk_level >= CONFIRM_AT_LEVEL) {
    return { kind: 'confirm', reason: `risk level ${risk.risk_level}: ${what}` };
  }
  return { kind: 'allow' };
}

/** "in VS Code at 14:02: 3 delete calls in a row" — who, when (local time) and why, scrubbed. */
export function pauseText(pause: Pause, now = Date.now()): string {
  const reason = scrubText(pause.reason)
    .replace(/[.\s]+$/, '')
    .slice(0, 300);
  const when = pause.at > 0 ? ` ${localTime(pause.at, now)}` : '';
  return `${pausedBy(pause.by)}${when}${reason ? `: ${reason}` : ''}`;
}

function pausedBy(by: string): string {
  if (by === CONTROL_BY.cli) return 'from the command line';
  if (by === CONTROL_BY.autoPause) return 'automatically after a critical alert';
  if (by === CONTROL_BY.legacy) return 'through the control file';
  return `in ${scrubText(by).slice(0, 60)}`;
}

const two = (n: number) => String(n).padStart(2, '0');

/** "at 14:02" today (local time), "at 14:02 on 2026-01-05" on another day. */
export function localTime(at: number, now = Date.now()): string {
  const d = new Date(at);
  const n = new Date(now);
  const hhmm = `at ${two(d.getHours())}:${two(d.getMinutes())}`;
  const sameDay = d.getFullYear() === n.getFullYear() && d.getMonth() === n.getMonth() && d.getDate() === n.getDate();
  return sameDay ? hhmm : `${hhmm} on ${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}
