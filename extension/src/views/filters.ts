// The Audit Log filter: what the user picked, as a store EventFilter, and as the short text
// shown in the view's description. Pure.
import type { EventFilter } from '../../../store/read/index.ts';
import { RISK_NAMES } from './event-format.ts';

export interface AuditFilterState {
  minRisk?: number;
  platform?: string;
  outcome?: string;
  text?: string;
  sessionId?: string;
  /** Set when the filter came from an alert: its events are highlighted. */
  alertId?: string;
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

export function describeFilter(f: AuditFilterState): string {
  const parts: string[] = [];
  if (f.alertId) parts.push('alert');
  else if (f.sessionId) parts.push(`session …${f.sessionId.slice(-6)}`);
  if (f.minRisk !== undefined) parts.push(`risk ≥ ${RISK_NAMES[f.minRisk] ?? f.minRisk}`);
  if (f.platform) parts.push(f.platform);
  if (f.outcome) parts.push(f.outcome);
  if (f.text) parts.push(`"${f.text.length > 20 ? `${f.text.slice(0, 19)}…` : f.text}"`);
  return parts.length ? `Filtered: ${parts.join(', ')}` : '';
}

export const isFiltered = (f: AuditFilterState): boolean => describeFilter(f) !== '';
