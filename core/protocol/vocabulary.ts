// The closed vocabularies every part shares: platforms, outcomes, actions, policy modes, alert
// severities and risk levels. Defined once here, as values (for validation and UI lists) with
// their types derived from them.

export const PLATFORMS = ['shopify', 'meta', 'generic'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * forwarded: sent upstream (whatever the status) · blocked: stopped by policy (block mode,
 * paused) · denied: refused by a safety check (SSRF, host not allowed) or declined by the user
 * in confirm mode · error: timeout, DNS, connection failure, interrupted · throttled: the
 * upstream answered 429.
 */
export const OUTCOMES = ['forwarded', 'blocked', 'denied', 'error', 'throttled'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What an operation does to the upstream: drives the sequence alerts and "pause writes". */
export const ACTIONS = ['read', 'write', 'delete'] as const;
export type Action = (typeof ACTIONS)[number];

/** monitor forwards everything; confirm asks the user before risk ≥ 2; block refuses risk 3. */
export const POLICY_MODES = ['monitor', 'confirm', 'block'] as const;
export type PolicyMode = (typeof POLICY_MODES)[number];

export const ALERT_SEVERITIES = ['critical', 'warning'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** 0 read · 1 routine write · 2 sensitive · 3 dangerous or irreversible. */
export const RISK_LEVELS = [0, 1, 2, 3] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
