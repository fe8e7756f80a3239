// Shared vocabulary of Warden: the audit event, alerts and the shapes that flow between the
// pure core (scrub → classify → risk → sequence alerts) and the I/O shells (guard, cloud-lite,
// extension). No I/O here.

export type Platform = 'shopify' | 'meta' | 'generic';

/** 0 read · 1 routine write · 2 sensitive · 3 dangerous or irreversible. */
export type RiskLevel = 0 | 1 | 2 | 3;

/**
 * forwarded: sent upstream (whatever the status) · blocked: stopped by policy (block mode,
 * paused) · denied: refused by a safety check (SSRF, host not allowed) or declined by the user
 * in confirm mode · error: timeout, DNS, connection failure, interrupted · throttled: the
 * upstream answered 429.
 */
export type Outcome = 'forwarded' | 'blocked' | 'denied' | 'error' | 'throttled';

/** What an operation does to the upstream: drives the sequence alerts. */
export type Action = 'read' | 'write' | 'delete';

/** Counts of scrubber findings by type. Counts only — the values are never kept. */
export interface PiiCounts {
  email: number;
  phone: number;
  card: number;
  secret: number;
}

/** One audit event: the same shape locally and on the wire. Never bodies or header values. */
export interface AuditEvent {
  id: string;
  ts: number;
  session_id: string;
  instance_id: string;
  client: string;
  tool: string;
  platform: Platform;
  target: string | null;
  method: string;
  endpoint: string;
  operation: string | null;
  status: number | null;
  latency_ms: number | null;
  risk_level: RiskLevel;
  rules: string[];
  outcome: Outcome;
  error: string | null;
  pii: PiiCounts;
  usage: Record<string, number | string> | null;
}

export type AlertSeverity = 'critical' | 'warning';

export interface Alert {
  id: string;
  ts: number;
  session_id: string;
  instance_id: string;
  rule: string;
  severity: AlertSeverity;
  message: string;
  /** Ids of the events that triggered the alert, oldest first. */
  event_ids: string[];
}

/** The request as the core sees it, after credentials are resolved but before forwarding. */
export interface OperationInput {
  tool: string;
  method: string;
  url: string;
  /** Parsed JSON body or GraphQL `{query, variables}`; undefined when none. */
  body?: unknown;
}

/** A parsed GraphQL operation (Shopify Admin GraphQL). */
export interface GraphqlOperation {
  type: 'query' | 'mutation' | 'subscription';
  name: string | null;
  /** Root field names (not aliases), fragments expanded. */
  fields: string[];
}

export interface Classification {
  platform: Platform;
  /** Shop domain or ad account — never a secret. */
  target: string | null;
  /** Normalised path pattern, e.g. /admin/api/{version}/products/{id}.json */
  endpoint: string;
  /** e.g. "mutation productDelete" or "mutation productDelete,productUpdate"; null when not GraphQL. */
  operation: string | null;
  graphql: GraphqlOperation[] | null;
}

export interface RiskResult {
  risk_level: RiskLevel;
  /** Ids of every rule that matched, highest level first. */
  rules: string[];
  /** Human labels of the matched rules, same order. */
  labels: string[];
  /** Categories of the matched rules (e.g. "budget", "product", "webhook"). */
  categories: string[];
  action: Action;
}
