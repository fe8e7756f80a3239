// Shape checks for everything the store reads back from disk (journal lines, database rows)
// and for what the guard hands it. Anything that fails is rejected, never trusted.
import type { Alert, AuditEvent, Outcome, Platform } from '../core/types.ts';

const PLATFORMS: ReadonlySet<string> = new Set<Platform>(['shopify', 'meta', 'generic']);
const OUTCOMES: ReadonlySet<string> = new Set<Outcome>(['forwarded', 'blocked', 'denied', 'error', 'throttled']);
const SEVERITIES: ReadonlySet<string> = new Set(['critical', 'warning']);
const PII_KEYS = ['email', 'phone', 'card', 'secret'] as const;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isStr(v: unknown): v is string {
  return typeof v === 'string';
}
function isStrOrNull(v: unknown): v is string | null {
  return v === null || typeof v === 'string';
}
function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
function isNumOrNull(v: unknown): v is number | null {
  return v === null || isNum(v);
}
function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 128;
}

/** Returns the event if `v` has the AuditEvent shape, else null. Unknown extra fields are dropped. */
export function toAuditEvent(v: unknown): AuditEvent | null {
  if (!isObj(v)) return null;
  const { pii, usage, rules } = v;
  if (!isId(v.id) || !isNum(v.ts) || !isStr(v.session_id) || !isStr(v.instance_id)) return null;
  if (!isStr(v.client) || !isStr(v.tool) || !isStr(v.platform) || !PLATFORMS.has(v.platform)) return null;
  if (!isStrOrNull(v.target) || !isStr(v.method) || !isStr(v.endpoint) || !isStrOrNull(v.operation)) return null;
  if (!isNumOrNull(v.status) || !isNumOrNull(v.latency_ms)) return null;
  if (v.risk_level !== 0 && v.risk_level !== 1 && v.risk_level !== 2 && v.risk_level !== 3) return null;
  if (!Array.isArray(rules) || !rules.every(isStr)) return null;
  if (!isStr(v.outcome) || !OUTCOMES.has(v.outcome) || !isStrOrNull(v.error)) return null;
  if (!isObj(pii) || !PII_KEYS.every((k) => isNum(pii[k]))) return null;
  if (usage !== null && !(isObj(usage) && Object.values(usage).every((x) => isStr(x) || isNum(x)))) return null;
  return {
    id: v.id,
    ts: v.ts,
    session_id: v.session_id,
    instance_id: v.instance_id,
    client: v.client,
    tool: v.tool,
    platform: v.platform as Platform,
    target: v.target,
    method: v.method,
    endpoint: v.endpoint,
    operation: v.operation,
    status: v.status,
    latency_ms: v.latency_ms,
    risk_level: v.risk_level,
    rules: [...rules] as string[],
    outcome: v.outcome as Outcome,
    error: v.error,
    pii: { email: pii.email as number, phone: pii.phone as number, card: pii.card as number, secret: pii.secret as number },
    usage: usage === null ? null : { ...(usage as Record<string, number | string>) },
  };
}

/** Returns the alert if `v` has the Alert shape, else null. */
export function toAlert(v: unknown): Alert | null {
  if (!isObj(v)) return null;
  if (!isId(v.id) || !isNum(v.ts) || !isStr(v.session_id) || !isStr(v.instance_id)) return null;
  if (!isStr(v.rule) || !isStr(v.severity) || !SEVERITIES.has(v.severity) || !isStr(v.message)) return null;
  if (!Array.isArray(v.event_ids) || !v.event_ids.every(isStr)) return null;
  return {
    id: v.id,
    ts: v.ts,
    session_id: v.session_id,
    instance_id: v.instance_id,
    rule: v.rule,
    severity: v.severity as Alert['severity'],
    message: v.message,
    event_ids: [...v.event_ids] as string[],
  };
}
