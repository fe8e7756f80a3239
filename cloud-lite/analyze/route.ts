// POST /v1/analyze, once the request is authenticated.
import { fail, type Reply } from '../http/respond.ts';
import type { RouteContext, RouteDeps } from '../http/routes.ts';

export async function postAnalyze(_ctx: RouteContext, _deps: RouteDeps): Promise<Reply> {
  return fail('analysis_disabled', 'semantic analysis is not configured on this service');
}
