// Judges an operation no rule matched by asking the configured model, within caps.
import type { Logger } from '../log.ts';
import type { CloudStore } from '../store/types.ts';
import type { AnalyzeConfig } from './config.ts';

export interface AnalyzerDeps {
  store: CloudStore;
  config: AnalyzeConfig;
  log: Logger;
  now: () => number;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Analyzer {}

export function createAnalyzer(_deps: AnalyzerDeps): Analyzer {
  return {};
}
