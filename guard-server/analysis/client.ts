// One signed POST /v1/analyze to cloud-lite, and what its answer means for the guard. The
// verdict is validated here (schema, then plain text) before anything else sees it: the model
// behind the service is not trusted, and neither is the service's answer.
import type { Agent } from 'undici';
import { AnalyzeResponseSchema, type AnalyzeRequest, type AnalyzeVerdict } from '../../core/protocol/analyze.ts';
import { RETRY_AFTER_HEADER, UPLOAD_PATHS, UploadErrorResponseSchema } from '../../core/protocol/upload.ts';
import { postSigned, retryAfterMs, type CloudTarget } from '../upload/client.ts';
import { plainVerdict } from './verdict.ts';

export type AnalyzeOutcome =
  | { kind: 'verdict'; verdict: AnalyzeVerdict }
  /** 501 analysis_disabled: the service has no model configured; ask again much later. */
  | { kind: 'disabled'; code: string }
  /** 429: a daily quota or the monthly budget is spent, or a burst limit: wait retryAfterMs. */
  | { kind: 'paused'; code: string; retryAfterMs: number }
  /** 502 analysis_failed, other statuses, network, or an answer that is not a valid verdict. */
  | { kind: 'retry'; code: string };

export async function requestVerdict(
  agent: Agent,
  cloud: CloudTarget,
  request: AnalyzeRequest,
  signal: AbortSignal,
  fallbackPauseMs: number,
): Promise<AnalyzeOutcome> {
  const answer = await postSigned(agent, cloud, UPLOAD_PATHS.analyze, JSON.stringify(request), signal);
  if (!answer.ok) return { kind: 'retry', code: answer.code };
  let json: unknown = null;
  try {
    json = JSON.parse(answer.text);
  } catch {
    // judged by its status below
  }
  if (answer.status === 200) {
    const parsed = AnalyzeResponseSchema.safeParse(json);
    const verdict = parsed.success ? plainVerdict(parsed.data.verdict) : null;
    return verdict ? { kind: 'verdict', verdict } : { kind: 'retry', code: 'bad_answer' };
  }
  // Only the code is kept: the message is the service's text, shown nowhere.
  const error = UploadErrorResponseSchema.safeParse(json);
  const code = error.success ? error.data.error.code : `http_${answer.status}`;
  if (answer.status === 501) return { kind: 'disabled', code };
  if (answer.status === 429)
    return { kind: 'paused', code, retryAfterMs: retryAfterMs(answer.headers[RETRY_AFTER_HEADER.toLowerCase()], fallbackPauseMs) };
  return { kind: 'retry', code };
}
