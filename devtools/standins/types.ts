// Shapes shared by the Shopify and Meta stand-ins: what a test sees of each request, and the
// faults it can inject to play an unhealthy upstream.

/** One request as the stand-in received it, before any check (auth, routing, faults). */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. /admin/api/2025-10/products.json */
  path: string;
  /** Raw query string without the leading "?" ("" when none). */
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A misbehaviour for the next requests (`times` of them; every request until cleared when
 * omitted). status: answer with that status and the platform's error body for it · delay:
 * wait, then answer normally · reset: destroy the socket without answering · rate_limit: the
 * platform's real rate-limit answer.
 */
export type Fault =
  | { kind: 'status'; status: number; times?: number }
  | { kind: 'delay'; ms: number; times?: number }
  | { kind: 'reset'; times?: number }
  | { kind: 'rate_limit'; times?: number };

/** Meta only: answer with a real Graph API error of this code (status and body as Meta sends). */
export type MetaErrorFault = { kind: 'meta_error'; code: 4 | 17 | 613 | 190 | 100; times?: number };

export type MetaFault = Fault | MetaErrorFault;

export interface StandinBase<F> {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** Every request received, oldest first. Tests may clear it with `requests.length = 0`. */
  requests: RecordedRequest[];
  /** Sets (or clears with null) the fault applied to the next requests. */
  setFault(f: F | null): void;
  /** Stops listening and drops open connections (including delayed requests). */
  close(): Promise<void>;
}

export interface ShopifyStandin extends StandinBase<Fault> {
  /** The shop domain the stand-in plays, e.g. warden-demo.myshopify.com */
  shop: string;
}

export type MetaStandin = StandinBase<MetaFault>;
