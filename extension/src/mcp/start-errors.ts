// Shows why this window's guard could not start. VS Code owns the guard's process, so the
// extension never sees its exit code or stderr; a guard that exits with a configuration error
// leaves a note in the data dir under this window's instance id (store/guard-errors.ts). A
// cheap check (one stat) every few seconds turns a new note into one error notification with
// the fix, like the pre-start checks (preflight.ts).
import { ENV } from '../../../core/protocol/env.ts';
import { pruneGuardStartErrors, readGuardStartError, type GuardStartError } from '../../../store/guard-errors.ts';
import type { Problem } from './preflight.ts';

const CHECK_EVERY_MS = 2000;

/** The notification for a note: the guard's own sentence, and the command that fixes it. */
export function problemFor(note: GuardStartError): Problem {
  const message = `Warden's guard could not start: ${note.message}`;
  const fixes: [string, Problem['fix']][] = [
    ['WARDEN_SHOPIFY', { title: 'Set Shopify Store and Token', command: 'warden.setShopifyCredentials' }],
    ['WARDEN_META', { title: 'Set Meta Access Token', command: 'warden.setMetaToken' }],
    [ENV.httpCredentials, { title: 'Set HTTP Host Credentials', command: 'warden.setHostCredentials' }],
    ['WARDEN_CLOUD', { title: 'Connect to cloud-lite', command: 'warden.setCloudKey' }],
  ];
  const fix = fixes.find(([prefix]) => note.message.includes(prefix))?.[1] ?? {
    title: 'Open Settings',
    command: 'workbench.action.openSettings',
    args: ['@ext:warden.warden'],
  };
  return { message, fix };
}

export class GuardStartErrors {
  private since = Date.now();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly dataDir: () => string,
    private readonly instanceId: string,
    private readonly show: (problem: Problem) => void,
  ) {}

  start(): void {
    pruneGuardStartErrors(this.dataDir());
    this.timer = setInterval(() => this.check(), CHECK_EVERY_MS);
    this.timer.unref?.();
  }

  /** Shows a note newer than the last one shown; returns whether it did. */
  check(): boolean {
    const note = readGuardStartError(this.dataDir(), this.instanceId, this.since);
    if (note === null) return false;
    this.since = note.ts + 1;
    this.show(problemFor(note));
    return true;
  }

  dispose(): void {
    if (this.timer !== null) clearInterval(this.timer);
  }
}
