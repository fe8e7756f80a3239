// The window's view of the data dir: one store reader (opened on first use: sql.js and its wasm
// load then, not at activation), one store watch (live events and alerts), and the control
// file. Everything that shows or acts on the store goes through here.
import * as vscode from 'vscode';
import type { ControlFile, ControlFileReader } from '../../store/control/index.ts';
import type { StoreReader, StoreWatch, WatchBatch } from '../../store/read/index.ts';
import { loadStoreApi } from './store-loader.ts';

/** How often the watch polls as a fallback to fs.watch, and how often the control file is checked. */
const POLL_MS = 1000;
/**
 * When the reader is opening as the watch is about to open, the watch waits this long after the
 * reader opened: the view that asked for the reader gets its first page without queueing behind
 * the watch's own load of the newest segment and journals.
 */
const WATCH_AFTER_READER_MS = 250;

export class StoreService implements vscode.Disposable {
  private readerP: Promise<StoreReader> | null = null;
  /** readerP is still opening. */
  private readerOpening = false;
  private watch: StoreWatch | null = null;
  private watchStarting = false;
  /** Null until the store code has loaded (just after activation). */
  private control: ControlFileReader | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private generation = 0;
  private readonly newData = new vscode.EventEmitter<WatchBatch>();
  /** New events or alerts (after the reader was refreshed); an empty batch: reloaded, what changed is not known. */
  readonly onDidWatch = this.newData.event;
  private readonly changed = new vscode.EventEmitter<void>();
  /** New events/alerts, the control file changed, or the data dir changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private dir: string,
    private readonly wasmPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get dataDir(): string {
    return this.dir;
  }

  /** The shared reader, opened on first call. */
  reader(): Promise<StoreReader> {
    if (this.readerP !== null) return this.readerP;
    const p = loadStoreApi().then((api) =>
      api.openStoreReader({ dataDir: this.dir, wasmPath: this.wasmPath, onWarning: (m) => this.log.warn(`store: ${m}`) }),
    );
    this.readerP = p;
    this.readerOpening = true;
    p.then(
      () => {
        if (this.readerP === p) this.readerOpening = false;
      },
      () => {
        if (this.readerP === p) {
          this.readerP = null; // try again next time
          this.readerOpening = false;
        }
      },
    );
    return p;
  }

  /** The control state (last good one; the empty state when there is no file); null until the store code loaded. */
  controlFile(): ControlFile | null {
    if (this.control === null) return null;
    this.control.check();
    return this.control.current;
  }

  /** Takes a state this window just wrote, and tells the views. */
  adoptControl(file: ControlFile): void {
    this.control?.adopt(file);
    this.changed.fire();
  }

  /** Starts watching (called once activation is done, so sql.js loads off the activation path). */
  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      if (this.control?.check()) this.changed.fire();
    }, POLL_MS);
    void this.startWatch();
  }

  private async startWatch(): Promise<void> {
    if (this.watch !== null || this.watchStarting) return;
    this.watchStarting = true;
    const gen = this.generation;
    try {
      const api = await loadStoreApi();
      if (gen === this.generation) this.control ??= new api.ControlFileReader(this.dir, (m) => this.log.warn(m));
      const SQL = await api.loadSqlJsFrom({ wasmPath: this.wasmPath });
      // A view opening with activation asked for the reader: let it paint first.
      if (this.readerOpening && this.readerP !== null) {
        await this.readerP.catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, WATCH_AFTER_READER_MS));
      }
      if (gen !== this.generation || this.timer === null) return;
      const opened = this.readerP !== null && !this.readerOpening ? this.readerP : null;
      const watch = await api.openStoreWatch({
        dataDir: this.dir,
        SQL,
        onWarning: (m) => this.log.warn(`watch: ${m}`),
      });
      if (gen !== this.generation || this.timer === null) {
        watch.stop();
        return;
      }
      this.watch = watch;
      watch.start((batch) => void this.onBatch(batch), { intervalMs: POLL_MS });
      // The watch reports what is written after it opened: a reader opened before it may have
      // missed what was written in between. Catch up once if so (an empty batch: reload all).
      if (opened !== null && (await opened).outdated()) await this.onBatch({ events: [], alerts: [], intents: [] }, true);
    } catch (err) {
      this.log.error(`cannot watch the audit store in ${this.dir}: ${(err as Error).message}`);
    } finally {
      this.watchStarting = false;
    }
  }

  /** New records from the watch; `reload`: an empty batch that stands for "something changed, reload everything". */
  private async onBatch(batch: WatchBatch, reload = false): Promise<void> {
    if (!reload && batch.events.length === 0 && batch.alerts.length === 0 && batch.intents.length === 0) return;
    if (this.readerP !== null) {
      try {
        (await this.readerP).refresh();
      } catch (err) {
        this.log.warn(`store refresh failed: ${(err as Error).message}`);
      }
    }
    this.newData.fire(batch);
    this.changed.fire();
  }

  /** Points everything at another data dir (the setting changed). */
  setDataDir(dir: string): void {
    if (dir === this.dir) return;
    this.generation++;
    this.closeAll();
    this.dir = dir;
    this.control = null;
    const running = this.timer !== null;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (running) this.start();
    this.changed.fire();
  }

  /** Drops the reader (e.g. after the audit data was cleared): the next use opens a fresh one. */
  reopen(): void {
    const dir = this.dir;
    this.generation++;
    this.closeAll();
    this.dir = '';
    this.setDataDir(dir);
  }

  private closeAll(): void {
    this.watch?.stop();
    this.watch = null;
    const r = this.readerP;
    this.readerP = null;
    this.readerOpening = false;
    void r?.then((x) => x.close()).catch(() => {});
  }

  dispose(): void {
    this.generation++;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.closeAll();
    this.newData.dispose();
    this.changed.dispose();
  }
}
