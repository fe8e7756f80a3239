// The audit event and the alert: one shape in the journal, the store, the CLI, uploads,
// cloud-lite and the extension. Every reader validates with these schemas, so no two parts
// can drift.
//
// Versioning (DESIGN.md "Audit event"): `v` is the schema version of the writer. Adding a field
// is a minor change and bumps it; readers accept older versions (missing fields get the
// defaults below) and newer ones (unknown fields are dropped, known ones must still be valid).
// zod/mini (functional API) rather than classic zod: the extension's store bundle reads events
// with these schemas, and mini tree-shakes to what is used (classic bundles all of zod and its
// locales, which the Audit Log paid for in parse and compile time on its first paint).
import * as z from 'zod/mini';
import './zod-english.ts';
import { actionForGraphqlField, actionForMethod, strongerAction } from '../rules/action.ts';
import { ACTIONS, ALERT_SEVERITIES, OUTCOMES, PLATFORMS, type Action } from './vocabulary.ts';

/**
 * Schema version written by this build.
 * 1: the original event (issue 2). 2: `v`, `action` and `categories`.
 */
export const EVENT_SCHEMA_VERSION = 2;

const id = z.string().check(z.minLength(1), z.maxLength(128));
const count = z.number().check(z.int(), z.nonnegative());
/** z.number() rejects NaN and ±Infinity. */
const finite = z.number();
/** Absent on version-1 events. */
const version = z.optional(z.number().check(z.int(), z.minimum(1)));

export const PiiCountsSchema = z.object({ email: count, phone: count, card: count, secret: count });
export type PiiCounts = z.infer<typeof PiiCountsSchema>;

const eventFields = {
  /** Absent on version-1 events. */
  v: version,
  id,
  ts: finite,
  session_id: z.string(),
  instance_id: z.string(),
  client: z.string(),
  tool: z.string(),
  platform: z.enum(PLATFORMS),
  target: z.nullable(z.string()),
  /** The effective method: what the call does upstream. */
  method: z.string(),
  endpoint: z.string(),
  operation: z.nullable(z.string()),
  /** Absent on version-1 events: derived from method and operation when read. */
  action: z.optional(z.enum(ACTIONS)),
  /** Absent on version-1 events: read as []. */
  categories: z.optional(z.array(z.string().check(z.maxLength(64))).check(z.maxLength(64))),
  status: z.nullable(finite),
  latency_ms: z.nullable(finite),
  risk_level: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
  rules: z.array(z.string()),
  outcome: z.enum(OUTCOMES),
  error: z.nullable(z.string()),
  pii: PiiCountsSchema,
  usage: z.nullable(z.record(z.string(), z.union([z.string(), finite]))),
};

/** As written: version 1 events lack v, action and categories. */
export const AuditEventWireSchema = z.object(eventFields);

/** One audit event: never bodies, header values or customer data. */
export type AuditEvent = Omit<z.infer<typeof AuditEventWireSchema>, 'v' | 'action' | 'categories'> & {
  v: number;
  action: Action;
  categories: string[];
};

/** What a version-1 event did, from the facts it carries ("mutation productDelete,productUpdate"). */
export function actionOf(method: string, operation: string | null): Action {
  if (operation === null) return actionForMethod(method.toUpperCase());
  const [type, fields = ''] = operation.split(' ', 2);
  if (type !== 'mutation') return 'read';
  return fields.split(',').reduce<Action>((a, f) => strongerAction(a, actionForGraphqlField('mutation', f)), 'write');
}

/** The event in its current shape (older versions upgraded), or null when `value` is not an event. */
export function parseAuditEvent(value: unknown): AuditEvent | null {
  const r = AuditEventWireSchema.safeParse(value);
  return r.success ? upgradeAuditEvent(r.data) : null;
}

/** An event that already passed AuditEventWireSchema (e.g. inside a batch), in the current shape. */
export function upgradeAuditEvent(e: z.infer<typeof AuditEventWireSchema>): AuditEvent {
  return {
    ...e,
    v: e.v ?? 1,
    action: e.action ?? actionOf(e.method, e.operation),
    categories: e.categories ?? [],
  };
}

/** Like parseAuditEvent, but says what is wrong. */
export function explainAuditEvent(value: unknown): string | null {
  const r = AuditEventWireSchema.safeParse(value);
  return r.success ? null : r.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ');
}

export const AlertSchema = z.object({
  v: version,
  id,
  ts: finite,
  session_id: z.string(),
  instance_id: z.string(),
  /** Sequence rule id, e.g. "consecutive_deletes". */
  rule: z.string().check(z.minLength(1), z.maxLength(128)),
  severity: z.enum(ALERT_SEVERITIES),
  /** Counts and categories only: never paths, ids or bodies. */
  message: z.string(),
  /** Ids of the events that triggered the alert, oldest first. */
  event_ids: z.array(z.string()),
});

export type Alert = Omit<z.infer<typeof AlertSchema>, 'v'> & { v: number };

export function parseAlert(value: unknown): Alert | null {
  const r = AlertSchema.safeParse(value);
  return r.success ? { ...r.data, v: r.data.v ?? 1 } : null;
}
