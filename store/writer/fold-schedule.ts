// When this process's folder worker should run. Folding is the expensive part of the store
// (a second isolate plus sql.js, whose wasm memory grows to 20+ MB while it folds), and it is
// never urgent: the journal is the durable record, readers merge the unfolded journal tail and
// the extension's watch tails journals. So a guard that is serving only journals, and folds
//   - once its journal has been quiet for quietMs (the burst is over), or
//   - once its unfolded backlog passes backlogRecords or backlogBytes, so a guard that is never
//     idle still folds and readers never face a huge tail.
// flush(), close() and journals waiting at open start the worker regardless (audit-store.ts).

export interface FoldScheduleOptions {
  quietMs: number;
  backlogRecords: number;
  backlogBytes: number;
}

export class FoldSchedule {
  private lastRecordAt = 0;
  /** The backlog: records and bytes journaled since the worker last started, or left unfolded by it. */
  private records = 0;
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  /** `due` is called when a worker should start; it must be a no-op while one runs. */
  constructor(
    private readonly opts: FoldScheduleOptions,
    private readonly due: () => void,
  ) {}

  /** After each journaled record: counts it, and starts the worker or (re)arms the quiet timer. */
  recorded(bytes: number): void {
    this.lastRecordAt = performance.now();
    this.records++;
    this.bytes += bytes;
    if (this.records >= this.opts.backlogRecords || this.bytes >= this.opts.backlogBytes) this.fire();
    else this.armQuietTimer();
  }

  /** A worker starts: it folds everything journaled so far in its first cycle. */
  started(): void {
    this.records = 0;
    this.bytes = 0;
    this.clearTimer();
  }

  /**
   * The worker exited with `unfolded` records of this process left in the journal (it retired
   * because the guard was serving, or lost a race with a record): they are the backlog now,
   * folded once the journal is quiet again or once the bound is passed.
   */
  leftBehind(unfolded: number): void {
    // The bytes of those records are not known one by one: pro rata of what came since the start.
    this.bytes = this.records > 0 ? Math.round((this.bytes * Math.min(unfolded, this.records)) / this.records) : 0;
    this.records = unfolded;
    if (this.records >= this.opts.backlogRecords || this.bytes >= this.opts.backlogBytes) this.fire();
    else this.armQuietTimer();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  private fire(): void {
    this.clearTimer();
    if (!this.stopped) this.due();
  }

  /**
   * One timer, not one per record: when it fires early (records came in meanwhile) it is set
   * again for the rest of the quiet period after the latest record.
   */
  private armQuietTimer(): void {
    if (this.timer !== null || this.stopped) return;
    const wait = Math.max(0, this.lastRecordAt + this.opts.quietMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (performance.now() - this.lastRecordAt >= this.opts.quietMs) this.fire();
      else this.armQuietTimer();
    }, wait);
    this.timer.unref(); // pending folding never keeps the process alive: the journal has it
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
