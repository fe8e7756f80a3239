// The window's view of the data dir: one store reader (opened on first use: sql.js and its wasm
// load then, not at activation), one store watch (live events and alerts), and the control
// file. Everything that shows or acts on the store goes through here.
import * as vscode from 'vscode';
import type { ControlFile, ControlFileReader } from '../../store/control/index.ts';
import type { StoreReader, StoreWatch, WatchBatch } from '../../store/read/index.ts';
import { loadStoreApi } from './store-loader.ts';

/** How often the watch polls as a fallback to fs.watch, and how often the control file is checked. */
const POLL_MS = 1000;

export class StoreService implements vscode.Disposable {
  private readerP: Promise<StoreReader> | null = null;
  private watch: StoreWatch | null = null;
  private watchStarting = false;
  /** Null until the store code has loaded (just after activation). */
  private control: ControlFileReader | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private generation = 0;
  private readonly newData = new vscode.EventEmitter<WatchBatch>();
  /** New events or alerts (after the reader was refreshed). */
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
    this.readerP ??= loadStoreApi().then((api) =>
      api.openStoreReader({ dataDir: this.dir, wasmPath: this.wasmPath, onWarning: (m) => this.log.warn(`store: ${m}`) }),
    );
    const p = this.readerP;
    p.catch(() => {
      if (this.readerP === p) this.readerP = null; // try again next time
    });
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
      const watch = await api.openStoreWatch({
        dataDir: this.dir,
        wasmPath: this.wasmPath,
        onWarning: (m) => this.log.warn(`watch: ${m}`),
      });
      if (gen !== this.generation || this.timer === null) {
        watch.stop();
        return;
      }
      this.watch = watch;
      watch.start((batch) => void this.onBatch(batch), { intervalMs: POLL_MS });
    } catch (err) {
      this.log.error(`cannot watch the audit store in ${this.dir}: ${(err as Error).message}`);
    } finally {
      this.watchStarting = false;
    }
  }

  private async onBatch(batch: WatchBatch): Promise<void> {
    if (batch.events.length === 0 && batch.alerts.length === 0 && batch.intents.length === 0) return;
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
