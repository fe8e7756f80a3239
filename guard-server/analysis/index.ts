// One GuardAnalysis per guard context, made on first use: none without a cloud (WARDEN_CLOUD_URL
// and its key), so a guard without one sends nothing and writes no file.
import type { GuardContext } from '../pipeline.ts';
import { makeLogger } from '../log.ts';
import { GuardAnalysis } from './analysis.ts';

const byContext = new WeakMap<object, GuardAnalysis | null>();

export function analysisFor(ctx: Pick<GuardContext, 'config' | 'rules' | 'redact'>): GuardAnalysis | null {
  let analysis = byContext.get(ctx);
  if (analysis === undefined) {
    const { cloud, dataDir } = ctx.config;
    analysis = cloud
      ? new GuardAnalysis({
          cloud: { url: cloud.url, keyId: cloud.keyId, secret: cloud.secret },
          dataDir,
          fallbackRules: new Set(ctx.rules.rules.filter((r) => r.fallback === true).map((r) => r.id)),
          log: makeLogger(ctx.redact),
        })
      : null;
    byContext.set(ctx, analysis);
  }
  return analysis;
}
