// POST /v1/analyze, once the request is authenticated: analysis off → 501 before the body is
// looked at; then the body must be an AnalyzeRequest (400 invalid_body); the analyzer does the
// rest and its refusals map to the contract's codes (429 with Retry-After for the caps).
import { AnalyzeRequestSchema } from '../../core/protocol/analyze.ts';
import { fail, ok, type Reply } from '../http/respond.ts';
import type { RouteContext, RouteDeps } from '../http/routes.ts';

function isJson(ctx: RouteContext): boolean {
  const type = (ctx.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json';
}

export async function postAnalyze(ctx: RouteContext, deps: RouteDeps): Promise<Reply> {
  const { analyzer } = deps;
  if (!analyzer.enabled) {
    return fail(
      'analysis_disabled',
      'semantic analysis is not configured on this service (ANALYZE_API_URL, ANALYZE_API_KEY, ANALYZE_MODEL)',
    );
  }
  if (!isJson(ctx)) return fail('invalid_body', 'Content-Type must be application/json');
  let json: unknown;
  try {
    json = JSON.parse(ctx.body.toString('utf8'));
  } catch {
    return fail('invalid_body', 'the body is not JSON');
  }
  const parsed = AnalyzeRequestSchema.safeParse(json);
  if (!parsed.success) return fail('invalid_body', 'the body is not an analysis request (platform, method, endpoint, operation, fields)');
  const outcome = await analyzer.analyze(ctx.key.user, ctx.key.plan, parsed.data);
  if (outcome.ok) return ok(outcome.response);
  return fail(outcome.code, outcome.message, outcome.retryAfterSeconds, outcome.resetAt);
}
