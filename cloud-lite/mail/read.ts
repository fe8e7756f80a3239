// Reading stored rows for an email, the same on both back ends: the alert as the core schema
// reads it, and from each event only what an email may show (patterns, operations, times) —
// the event's target, error, status, usage and ids never leave this file.
import { parseAlert, parseAuditEvent } from '../../core/protocol/event.ts';
import type { Alert } from '../../core/types.ts';
import type { MailEventFacts } from './store.ts';

function parseJson(text: string | null | undefined): unknown {
  if (typeof text !== 'string') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function parseStoredAlert(body: string | null | undefined): Alert | null {
  return parseAlert(parseJson(body));
}

export function factsOf(body: string | null | undefined): MailEventFacts | null {
  const e = parseAuditEvent(parseJson(body));
  if (e === null) return null;
  return { ts: e.ts, platform: e.platform, method: e.method, endpoint: e.endpoint, operation: e.operation, action: e.action };
}
