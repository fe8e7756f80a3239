// Shared vocabulary of Warden: the audit event, alerts and the shapes that flow between the
// pure core (scrub → classify → risk → sequence alerts) and the I/O shells (guard, cloud-lite,
// extension). No I/O here.

// The vocabularies, the audit event and the alert are the wire contract: defined once, with
// their validation, in core/protocol/.
export type { Action, AlertSeverity, Outcome, Platform, RiskLevel } from './protocol/vocabulary.ts';
export type { Alert, AuditEvent, PiiCounts } from './protocol/event.ts';
import type { Action, Platform, RiskLevel } from './protocol/vocabulary.ts';

/** The request as the core sees it, after credentials are resolved but before forwarding. */
export interface OperationInput {
  tool: string;
  method: string;
  url: string;
  /** Parsed JSON body or GraphQL `{query, variables}`; undefined when none. */
  body?: unknown;
  /**
   * Request headers that change what the upstream executes (method overrides, content type),
   * names in lower case. Never credentials: the guard passes only an allow list.
   */
  headers?: Readonly<Record<string, string>>;
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
  /** Set when the path cannot be scored unambiguously (e.g. an encoded "/"): the guard refuses the call, saying this. */
  refusal?: string;
  /** Set when a GraphQL document was too large, deep or token-heavy to read: scored as level 3, never lower. */
  graphqlOversized?: string;
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
