// What warden_status reports: configuration facts (never secrets), the control state (policy,
// pause with who/when/why, auto-pause) as of this call, this session's activity, and uploads.
import { scrubText } from '../../core/scrub/scrubber.ts';
import type { GuardContext } from '../pipeline.ts';
import type { GuardSession } from '../session.ts';
import { analysisFor } from '../analysis/index.ts';
import { uploadReport } from '../upload/report.ts';

export function statusReport(ctx: GuardContext, session: GuardSession) {
  const { config, control } = ctx;
  control.refresh();
  const { pause } = control.state;
  return {
    policy: control.state.policy,
    paused: pause !== null,
    pause:
      pause === null
        ? null
        : {
            scope: pause.scope,
            by: pause.by,
            at: new Date(pause.at).toISOString(),
            reason: ctx.redact(scrubText(pause.reason)),
            ...(pause.alert_id ? { alert_id: pause.alert_id } : {}),
          },
    auto_pause: {
      on: control.state.autoPause,
      /** This guard's WARDEN_AUTO_PAUSE. */
      guard: control.autoPauseEnv ? 'on' : 'off',
      /** The control file's auto_pause (the extension's setting); unset: each guard's own. */
      control_file: control.state.autoPauseFile === undefined ? 'unset' : control.state.autoPauseFile ? 'on' : 'off',
    },
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
    /** Uploads to cloud-lite, as the data dir's upload lease holder last wrote them. */
    upload: uploadReport(config.dataDir, config.cloud?.url ?? null, config.cloud !== null),
    /** Cloud verdicts on writes no rule knows (needs a cloud): cached, applied, asked, failures, pause. */
    analysis: analysisFor(ctx)?.report() ?? { enabled: false },
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
