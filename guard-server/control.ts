// The extension steers running guards through a small control file in the data dir:
// {"policy": "monitor"|"confirm"|"block", "paused": boolean}. The guard polls it (cheap stat,
// off the request path) and keeps the last valid state when the file is bad or missing.
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { PolicyMode } from './config.ts';

const controlSchema = z.object({
  policy: z.enum(['monitor', 'confirm', 'block']).optional(),
  paused: z.boolean().optional(),
});

export interface ControlState {
  policy: PolicyMode;
  paused: boolean;
}

export const CONTROL_FILE = 'control.json';

export class ControlWatcher {
  readonly state: ControlState;
  private readonly path: string;

  constructor(
    dataDir: string,
    private readonly defaultPolicy: PolicyMode,
    private readonly warn: (msg: string) => void,
  ) {
    this.path = join(dataDir, CONTROL_FILE);
    this.state = { policy: defaultPolicy, paused: false };
    this.reload();
  }

  reload(): void {
    let raw: string;
    try {
      raw = readFileSync(this.path, 'utf8');
    } catch {
      this.state.policy = this.defaultPolicy;
      this.state.paused = false;
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      this.warn(`${this.path} is not valid JSON; keeping policy ${this.state.policy}, paused=${this.state.paused}`);
      return;
    }
    const parsed = controlSchema.safeParse(json);
    if (!parsed.success) {
      this.warn(
        `${this.path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}; keeping the previous state`,
      );
      return;
    }
    this.state.policy = parsed.data.policy ?? this.defaultPolicy;
    this.state.paused = parsed.data.paused ?? false;
  }

  start(intervalMs = 250): void {
    watchFile(this.path, { interval: intervalMs, persistent: false }, () => this.reload());
  }

  stop(): void {
    unwatchFile(this.path);
  }
}
