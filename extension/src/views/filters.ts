// The Audit Log filter: what the user picked, as a store EventFilter, and as the short text
// shown in the view's description. Pure.
import type { Alert } from '../../../core/types.ts';
import type { EventFilter } from '../../../store/read/index.ts';
import { RISK_NAMES } from './event-format.ts';

/** What an alert filter needs of the alert. */
export type AlertRef = Pick<Alert, 'id' | 'rule' | 'message' | 'severity' | 'session_id' | 'ts' | 'event_ids'>;

export interface AuditFilterState {
  minRisk?: number;
  platform?: string;
  outcome?: string;
  text?: string;
  sessionId?: string;
  /**
   * "Show in Audit Log" on an alert: the tree shows exactly the alert's events (in its session),
   * nothing else; the other fields are unset.
   */
  alert?: AlertRef;
}

export function toEventFilter(f: AuditFilterState): EventFilter {
  const out: EventFilter = {};
  if (f.minRisk !== undefined) out.minRisk = f.minRisk;
  if (f.platform) out.platform = f.platform;
  if (f.outcome) out.outcome = f.outcome;
  if (f.text) out.text = f.text;
  if (f.sessionId) out.sessionId = f.sessionId;
  return out;
}

/** The view's description: "Alert: 3 deletes in a row · 3 events — clear filter", or "Filtered: …". */
export function describeFilter(f: AuditFilterState): string {
  if (f.alert) {
    const name = f.alert.message || f.alert.rule;
    const n = f.alert.event_ids.length;
    return `Alert: ${name.length > 40 ? `${name.slice(0, 39)}…` : name} · ${n} ${n === 1 ? 'event' : 'events'} — clear filter`;
  }
  const parts: string[] = [];
  if (f.sessionId) parts.push(`session …${f.sessionId.slice(-6)}`);
  if (f.minRisk !== undefined) parts.push(`risk ≥ ${RISK_NAMES[f.minRisk] ?? f.minRisk}`);
  if (f.platform) parts.push(f.platform);
  if (f.outcome) parts.push(f.outcome);
  if (f.text) parts.push(`"${f.text.length > 20 ? `${f.text.slice(0, 19)}…` : f.text}"`);
  return parts.length ? `Filtered: ${parts.join(', ')}` : '';
}

export const isFiltered = (f: AuditFilterState): boolean => describeFilter(f) !== '';
