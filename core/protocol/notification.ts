// The alert as the guard sends it to the MCP client: `notifications/message` with level
// "critical" or "warning", logger "warden" and this payload as `data`. Sent before the tool
// response of the call that raised it.
import { z } from 'zod';
import { ALERT_SEVERITIES } from './vocabulary.ts';
import type { Alert } from './event.ts';

export const ALERT_LOGGER = 'warden';

export const AlertNotificationSchema = z.object({
  type: z.literal('warden_alert'),
  id: z.string(),
  rule: z.string(),
  severity: z.enum(ALERT_SEVERITIES),
  message: z.string(),
  session_id: z.string(),
  event_ids: z.array(z.string()),
  /** True when this alert paused agent writes (auto-pause). */
  paused_writes: z.boolean().optional(),
});
export type AlertNotification = z.infer<typeof AlertNotificationSchema>;

export function alertNotification(alert: Alert, pausedWrites = false): AlertNotification {
  return {
    type: 'warden_alert',
    id: alert.id,
    rule: alert.rule,
    severity: alert.severity,
    message: alert.message,
    session_id: alert.session_id,
    event_ids: alert.event_ids,
    ...(pausedWrites ? { paused_writes: true } : {}),
  };
}
