// Which window shows an alert, and with what. Pure.
// - The notification-level setting filters by severity.
// - An alert raised by this window's guard (its instance id) is shown here.
// - An alert from any other guard (another window's, Claude Desktop's) is shown by the focused
//   window only, a moment later, so the window that launched it claims it first.
// Either way the claim file (claims.ts) makes it once across windows.
import type { Alert } from '../../../core/types.ts';
import type { ControlFile } from '../../../store/control/index.ts';
import type { NotificationLevel } from '../settings/schema.ts';

export type Role = { show: false } | { show: true; delayMs: number };

/** How long a focused window lets the owning window claim a foreign alert first. */
export const FOREIGN_DELAY_MS = 400;

export function notificationRole(
  alert: Pick<Alert, 'severity' | 'instance_id'>,
  ctx: { instanceId: string; focused: boolean; level: NotificationLevel },
): Role {
  if (ctx.level === 'none') return { show: false };
  if (alert.severity !== 'critical' && ctx.level !== 'warning') return { show: false };
  if (alert.instance_id === ctx.instanceId) return { show: true, delayMs: 0 };
  return ctx.focused ? { show: true, delayMs: FOREIGN_DELAY_MS } : { show: false };
}

export const ACTION_SHOW = 'Show in Audit Log';
export const ACTION_PAUSE = 'Pause Agent Writes';
export const ACTION_RESUME = 'Resume Agent Writes';

/** True when the control file shows agent writes (or everything) paused, by this alert or otherwise. */
export function isPaused(control: ControlFile | null): boolean {
  return control?.pause != null;
}

export interface AlertMessage {
  text: string;
  actions: string[];
}

/** The notification: what happened, and the actions that fit the pause state. */
export function alertMessage(alert: Pick<Alert, 'message' | 'rule' | 'event_ids'>, control: ControlFile | null): AlertMessage {
  const what = oneLine(alert.message) || alert.rule;
  const pausedHere = control?.pause != null;
  const text = `Warden: ${what}${pausedHere ? ` — agent ${control?.pause?.scope === 'all' ? 'calls' : 'writes'} are paused` : ''}`;
  return { text, actions: [ACTION_SHOW, pausedHere ? ACTION_RESUME : ACTION_PAUSE] };
}

function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
  return t.length > 300 ? `${t.slice(0, 297)}...` : t;
}
