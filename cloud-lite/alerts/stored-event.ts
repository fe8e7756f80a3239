// What the evaluator reads of a stored event: the fields the sequence detector and an alert
// need. Stored bodies were validated and upgraded on ingest, so they are read with JSON.parse
// and a shape check, not the full schema again (that cost as much as the detector).
import { actionOf } from '../../core/protocol/event.ts';
import type { AuditEvent } from '../../core/types.ts';
import type { SessionEvent } from './store.ts';

export type EvaluatedEvent = Pick<
  AuditEvent,
  'id' | 'ts' | 'session_id' | 'instance_id' | 'platform' | 'method' | 'operation' | 'action' | 'status' | 'categories'
>;

export function storedSessionEvent(body: string, keyId: string): SessionEvent {
  const e = JSON.parse(body) as Partial<AuditEvent>;
  if (typeof e.id !== 'string' || typeof e.ts !== 'number' || typeof e.session_id !== 'string' || typeof e.platform !== 'string') {
    throw new Error('a stored event no longer parses');
  }
  const operation = e.operation ?? null;
  const method = e.method ?? '';
  const event: EvaluatedEvent = {
    id: e.id,
    ts: e.ts,
    session_id: e.session_id,
    instance_id: e.instance_id ?? '',
    platform: e.platform,
    method,
    operation,
    // Version-1 bodies lack these: derived as parseAuditEvent would.
    action: e.action ?? actionOf(method, operation),
    status: e.status ?? null,
    categories: e.categories ?? [],
  };
  return { event, keyId };
}
