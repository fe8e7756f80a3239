// The guard's view of the control file (store/control/control-file.ts has the format and the
// one writer). Every call checks the file first (one stat(); it is re-read only when it changed),
// so a pause or policy change from the extension, the CLI or another guard applies to the very
// next call. A broken file keeps the last good state. Auto-pause: a critical alert pauses agent
// writes in this guard at once (in memory), then in every guard on the data dir (the file).
import type { PolicyMode } from '../core/protocol/vocabulary.ts';
import { CONTROL_BY, CONTROL_FILE, ControlFileReader, updateControlFile, type ControlFile, type Pause } from '../store/control/index.ts';

export { CONTROL_FILE };

export interface ControlState {
  policy: PolicyMode;
  pause: Pause | null;
  /** Whether a critical alert pauses agent writes: this guard's WARDEN_AUTO_PAUSE and the file's auto_pause. */
  autoPause: boolean;
  /** The file's own auto_pause (undefined: not set, so each guard's setting applies). */
  autoPauseFile: boolean | undefined;
}

export interface ControlOptions {
  /** WARDEN_AUTO_PAUSE (default on). */
  autoPause?: boolean;
}

export class ControlWatcher {
  readonly state: ControlState;
  private readonly reader: ControlFileReader;
  /** This guard's own setting (WARDEN_AUTO_PAUSE). */
  readonly autoPauseEnv: boolean;

  constructor(
    readonly dataDir: string,
    private readonly defaultPolicy: PolicyMode,
    private readonly warn: (msg: string) => void,
    opts: ControlOptions = {},
  ) {
    this.autoPauseEnv = opts.autoPause ?? true;
    this.reader = new ControlFileReader(dataDir, warn);
    this.state = { policy: defaultPolicy, pause: null, autoPause: this.autoPauseEnv, autoPauseFile: undefined };
    this.refresh();
  }

  /** Before every decision: one stat() of control.json; re-reads it only when it changed. */
  refresh(): void {
    if (this.reader.check()) this.apply(this.reader.current);
  }

  private apply(file: ControlFile): void {
    this.state.policy = file.policy ?? this.defaultPolicy;
    this.state.pause = file.pause;
    this.state.autoPauseFile = file.auto_pause;
    this.state.autoPause = this.autoPauseEnv && file.auto_pause !== false;
  }

  /**
   * Auto-pause after a critical alert. Pauses agent writes in this guard at once, then writes the
   * control file so every guard on the data dir pauses before its next call. Does nothing when
   * auto-pause is off or a pause is already in force (the first who/why stays). Returns true
   * when this call paused writes.
   */
  autoPauseWrites(reason: string, alertId: string): boolean {
    this.refresh();
    if (!this.state.autoPause || this.state.pause !== null) return false;
    const now = Date.now();
    const pause: Pause = { scope: 'writes', by: CONTROL_BY.autoPause, at: now, reason, alert_id: alertId };
    // In memory first: the very next call of this guard is refused whatever happens to the file.
    this.state.pause = pause;
    try {
      const { file } = updateControlFile(
        this.dataDir,
        { pause: { scope: 'writes', reason, alert_id: alertId } },
        { by: CONTROL_BY.autoPause, now, fallback: this.reader.current, keepExistingPause: true },
      );
      this.reader.adopt(file);
      this.apply(file);
    } catch (err) {
      // This guard stays paused until the control file next changes (the user resumes).
      this.warn(`auto-pause: could not write ${CONTROL_FILE} (${(err as Error).message}); agent writes are paused in this guard only`);
    }
    return true;
  }
}
