// What warden_status reports: configuration facts (never secrets) and this session's activity.
import type { GuardContext } from '../pipeline.ts';
import type { GuardSession } from '../session.ts';

export function statusReport(ctx: GuardContext, session: GuardSession) {
  const { config, control } = ctx;
  return {
    policy: control.state.policy,
    paused: control.state.paused,
    platforms: {
      shopify: config.shopify ? { store: config.shopify.store, api_version: config.shopify.apiVersion } : null,
      meta: config.meta ? { api_version: config.meta.apiVersion } : null,
      http_allow: config.httpAllow.map((r) => r.pattern),
    },
    session: {
      id: session.id,
      client: session.client,
      started_at: new Date(session.startedAt).toISOString(),
      calls: session.calls,
      outcomes: session.outcomes,
      risk_levels: session.riskLevels,
    },
    recent_alerts: session.recentAlerts.map((a) => ({
      id: a.id,
      ts: new Date(a.ts).toISOString(),
      rule: a.rule,
      severity: a.severity,
      message: a.message,
      event_ids: a.event_ids,
    })),
  };
}
