// The web dashboard's settings, read and validated once.
import type { Env } from '../config-env.ts';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface WebConfig {}

export function webConfigFrom(_env: Env): WebConfig {
  return {};
}
