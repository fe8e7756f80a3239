// Policy: what happens to a call of a given risk. monitor forwards everything; confirm asks the
// user (MCP elicitation) before risk ≥ 2; block refuses risk 3. Pause refuses every call.
import type { RiskResult } from '../core/types.ts';
import type { ControlState } from './control.ts';

export type Decision = { kind: 'allow' } | { kind: 'confirm'; reason: string } | { kind: 'block'; reason: string };

export const CONFIRM_AT_LEVEL = 2;
export const BLOCK_AT_LEVEL = 3;

export function decide(state: ControlState, risk: RiskResult): Decision {
  const what = risk.labels[0] ?? `risk level ${risk.risk_level}`;
  if (state.paused) return { kind: 'block', reason: 'Warden is paused: no call reaches the API until it is resumed' };
  if (state.policy === 'block' && risk.risk_level >= BLOCK_AT_LEVEL) {
    return { kind: 'block', reason: `blocked by policy (block mode refuses risk level ${BLOCK_AT_LEVEL}): ${what}` };
  }
  if (state.policy === 'confirm' && risk.risk_level >= CONFIRM_AT_LEVEL) {
    return { kind: 'confirm', reason: `risk level ${risk.risk_level}: ${what}` };
  }
  return { kind: 'allow' };
}
