// The guard's background uploader (DESIGN.md "Signed uploads"): every interval, while there
// are folded events after the upload position, it sends them to cloud-lite in signed batches
// and moves the position past what the cloud acknowledged. It runs on timers only, yields
// between batches and holds at most one batch in memory, so tool calls never wait for it and
// an outage of hours only grows the backlog on disk.
//
// One uploader per data dir: the holder of upload.lock (StoreLock's lease: pid + heartbeat,
// stale takeover) is the only one that sends and writes upload/position.json; it re-verifies
// the lease right before each write. A lease lost during a stall costs a duplicate (the cloud
// de-duplicates by id), never a loss. Loaded only when WARDEN_CLOUD_URL is set, and then in the
// uploader's worker thread (worker-entry.ts, started by worker-host.ts), never on the guard's
// main thread.
import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import type { Agent } from 'undici';
import { scrubText } from '../../core/scrub/scrubber.ts';
import { MAX_BATCH_EVENTS, MAX_BODY_BYTES } from '../../core/protocol/upload.ts';
import { FoldedEventReader, type FoldedEvent, type FoldedPosition } from '../../store/read/folded-events.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { StoreLock } from '../../store/writer/lock.ts';
import type { Logger } from '../log.ts';
import type { ActivitySource } from './activity.ts';
import { createUploadAgent, sendBatch, type BatchOutcome, type CloudTarget } from './client.ts';
import { readPosition, readStatus, UPLOAD_LOCK_FILE, writePosition, writeStatus, type UploadStatusFile } from './state.ts';

export interface UploaderOptions {
  dataDir: string;
  cloud: CloudTarget & { intervalMs: number };
  instanceId: string;
  log: Logger;
  /** Removes configured secrets from a string (the guard's redactor). */
  redact: (s: string) => string;
  /** Delay of the first run; default a few seconds, jittered. */
  firstDelayMs?: number;
  /** First backoff step; doubles per consecutive failure, capped at the interval. */
  backoffBaseMs?: number;
  maxBatchEvents?: number;
  maxBodyBytes?: number;
  /** The guard's tool-call activity: batches wait while it serves calls. Absent: never busy. */
  activity?: ActivitySource;
  /** Quiet time after the last call before a batch goes (default QUIET_MS). */
  quietMs?: number;
  /** The longest one batch waits for a quiet guard (default MAX_DEFER_MS). */
  maxDeferMs?: number;
}

/** A batch waits until no call is in flight and none ended in the last QUIET_MS. */
export const QUIET_MS = 100;
/** …but never longer than this: a guard that is never idle still uploads (one batch per ~2 s). */
export const MAX_DEFER_MS = 2_000;

/** How long close() waits for an in-flight batch before aborting it. */
const CLOSE_WAIT_MS = 1_000;
const HEARTBEAT_MS = 5_000;
/** Room for `{"batch_id":…,"instance_id":…,"events":[]}` around the events. */
const ENVELOPE_BYTES = 512;

class LeaseLost extends Error {}

interface Batch {
  /** Rows sent, in fold order (damaged rows are skipped, not sent). */
  sent: FoldedEvent[];
  damaged: number;
  /** The last row the batch covers: the position once the cloud acknowledges it. */
  end: FoldedPosition;
  body: string;
}

export class Uploader {
  private readonly lease: StoreLock;
  private readonly intervalMs: number;
  private readonly maxEvents: number;
  private readonly maxBody: number;
  private reader: FoldedEventReader | null = null;
  private agent: Agent | null = null;
  private timer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private abort = new AbortController();
  private closed = false;
  private failures = 0;
  private status: UploadStatusFile | null = null;
  private warnedLoss = false;
  private warnedRestart = false;
  private warnedError: string | null = null;

  constructor(private readonly opts: UploaderOptions) {
    this.lease = new StoreLock(opts.dataDir, UPLOAD_LOCK_FILE);
    this.intervalMs = opts.cloud.intervalMs;
    this.maxEvents = opts.maxBatchEvents ?? MAX_BATCH_EVENTS;
    this.maxBody = (opts.maxBodyBytes ?? MAX_BODY_BYTES) - ENVELOPE_BYTES;
  }

  start(): void {
    const first = this.opts.firstDelayMs ?? Math.min(this.intervalMs, 3_000) * (0.5 + Math.random() / 2);
    this.schedule(first);
  }

  /** Stops the timers; waits at most ~1 s for a batch in flight, then aborts it. Never throws. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const running = this.running;
    if (running) {
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise((r) => (wait = setTimeout(r, CLOSE_WAIT_MS)))]);
      clearTimeout(wait);
      this.abort.abort();
      await running.catch(() => {});
    }
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.lease.release();
    this.reader?.close();
    await this.agent?.destroy().catch(() => {});
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.running = this.cycle()
          .catch((err: unknown) => {
            this.warn(`upload: stopped a run: ${(err as Error).message}`);
            return this.intervalMs;
          })
          .then((next) => {
            this.running = null;
            this.schedule(next);
          });
      },
      Math.max(0, ms),
    );
    this.timer.unref();
  }

  /** One run: upload while there is something after the position. Returns the delay to the next run. */
  private async cycle(): Promise<number> {
    if (!this.lease.tryAcquire()) {
      this.dropLease();
      return this.intervalMs;
    }
    this.heartbeat ??= setInterval(() => {
      if (!this.lease.verify()) this.dropLease();
    }, HEARTBEAT_MS).unref();
    const status = (this.status ??= this.initialStatus());
    const reader = (this.reader ??= new FoldedEventReader(await loadSqlJs(), this.opts.dataDir));
    this.agent ??= await createUploadAgent();
    const now = Date.now();
    if (status.paused_until !== null && status.paused_until > now)
      return this.finish(status.paused_until - now, readPosition(this.opts.dataDir));
    status.paused_until = null;

    // Read from disk each run: another guard may have held the lease and moved it since.
    let pos: FoldedPosition | null = readPosition(this.opts.dataDir);
    let limit = this.maxEvents;
    try {
      while (!this.closed) {
        await this.waitForQuiet();
        if (this.closed) break;
        const read = reader.read(pos, limit);
        if (read.restarted && !this.warnedRestart) this.warn('upload: the store was cleared; uploading it from its start');
        this.warnedRestart ||= read.restarted;
        if (read.skipped) {
          status.lost_segments += read.skipped.seqs.length;
          status.lost_to_retention += read.skipped.knownEvents;
          if (!this.warnedLoss)
            this.opts.log('upload: retention dropped segments before they were uploaded; skipped to the oldest remaining one');
          this.warnedLoss = true;
          pos = this.commit({ seq: read.skipped.seqs.at(-1)! + 1, rowid: 0 });
        }
        if (read.rows.length === 0) break;
        const batch = this.buildBatch(read.rows);
        if (batch.sent.length === 0) {
          status.rejected_total += batch.damaged;
          pos = this.commit(batch.end);
          continue;
        }
        const outcome: BatchOutcome = await sendBatch(this.agent, this.opts.cloud, batch.body, this.abort.signal, this.intervalMs);
        if (this.closed && outcome.kind !== 'accepted') break;
        switch (outcome.kind) {
          case 'accepted': {
            this.failures = 0;
            const { answer } = outcome;
            status.accepted_total += answer.accepted;
            status.duplicates_total += answer.duplicates;
            status.last_success_at = Date.now();
            if (answer.refused) {
              // Refused ids are the new ones past the quota, in batch order: keep from the first.
              const refused = new Set(answer.refused.ids);
              const first = batch.sent.findIndex((r) => refused.has(r.event!.id));
              if (first === -1) {
                status.rejected_total += batch.damaged;
                pos = this.commit(batch.end);
              } else if (first > 0) pos = this.commit(batch.sent[first - 1]!);
              const pauseMs = answer.refused.retry_after * 1000;
              status.paused_until = Date.now() + pauseMs;
              this.noteError('quota_exceeded', `daily quota reached; ${answer.refused.ids.length} events kept for after the reset`);
              return this.finish(pauseMs, pos);
            }
            status.rejected_total += batch.damaged;
            pos = this.commit(batch.end);
            status.last_error = null;
            break;
          }
          case 'paused':
            status.paused_until = Date.now() + outcome.retryAfterMs;
            this.noteError(outcome.code, outcome.message);
            return this.finish(outcome.retryAfterMs, pos);
          case 'invalid':
          case 'too_large':
            this.noteError(outcome.kind === 'invalid' ? 'invalid_body' : 'payload_too_large', outcome.message);
            if (batch.sent.length === 1) {
              // Isolated: this one event cannot be sent. Skip it and go on at full size.
              status.rejected_total += 1 + batch.damaged;
              this.opts.log(`upload: the cloud refused event ${batch.sent[0]!.event!.id} (${outcome.kind}); skipped it`);
              pos = this.commit(batch.end);
              limit = this.maxEvents;
            } else {
              // Bisect: the first half next; halves again until the bad event is alone.
              limit = Math.max(1, Math.floor(batch.sent.length / 2));
            }
            break;
          case 'retry':
            this.failures++;
            this.noteError(outcome.code, outcome.message);
            return this.finish(this.backoffMs(), pos);
        }
        await yieldToEventLoop();
      }
    } catch (err) {
      if (err instanceof LeaseLost) {
        this.dropLease();
        return this.intervalMs;
      }
      throw err;
    }
    return this.finish(this.intervalMs, pos);
  }

  /**
   * Yields to tool calls: the read, build and send of a batch all cost CPU the request path
   * would otherwise get (two cores shared with cloud-lite and the folder). Polls, since the
   * main thread only stamps a shared buffer and never signals.
   */
  private async waitForQuiet(): Promise<void> {
    const activity = this.opts.activity;
    if (!activity) return;
    const quietMs = this.opts.quietMs ?? QUIET_MS;
    const deadline = Date.now() + (this.opts.maxDeferMs ?? MAX_DEFER_MS);
    while (!this.closed && activity.busy(quietMs)) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      await sleep(Math.min(quietMs, left), undefined, { signal: this.abort.signal }).catch(() => {});
    }
  }

  private backoffMs(): number {
    return backoffDelayMs(this.failures, this.opts.backoffBaseMs ?? 1_000, this.intervalMs);
  }

  private buildBatch(rows: FoldedEvent[]): Batch {
    const sent: FoldedEvent[] = [];
    const parts: string[] = [];
    let bytes = 0;
    let damaged = 0;
    let end: FoldedPosition = rows[0]!;
    for (const row of rows) {
      if (row.event === null) {
        damaged++;
        end = row;
        continue;
      }
      const json = JSON.stringify(row.event);
      const size = Buffer.byteLength(json) + 1;
      // Always at least one event: an event over the cap alone gets a 413 and is skipped.
      if (sent.length > 0 && bytes + size > this.maxBody) break;
      sent.push(row);
      parts.push(json);
      bytes += size;
      end = row;
    }
    const body =
      sent.length === 0
        ? ''
        : `{"batch_id":${JSON.stringify(batchId(sent))},"instance_id":${JSON.stringify(this.opts.instanceId)},"events":[${parts.join(',')}]}`;
    return { sent, damaged, end: { seq: end.seq, rowid: end.rowid }, body };
  }

  /** Writes the position, if the lease is still ours. */
  private commit(pos: FoldedPosition): FoldedPosition {
    if (!this.lease.verify()) throw new LeaseLost();
    writePosition(this.opts.dataDir, { seq: pos.seq, rowid: pos.rowid, at: Date.now() });
    return { seq: pos.seq, rowid: pos.rowid };
  }

  /** Ends a run: the backlog and the next attempt go to status.json. */
  private finish(nextMs: number, pos: FoldedPosition | null): number {
    const status = this.status!;
    const now = Date.now();
    try {
      status.backlog = this.reader?.backlog(pos) ?? status.backlog;
      status.backlog_at = now;
    } catch (err) {
      this.warn(`upload: cannot count the backlog: ${(err as Error).message}`);
    }
    status.updated_at = now;
    status.holder_pid = process.pid;
    status.next_attempt_at = now + nextMs;
    if (this.lease.verify()) writeStatus(this.opts.dataDir, status);
    else this.dropLease();
    // The segment copy goes until the next run: an idle guard holds no database in memory.
    this.reader?.close();
    return nextMs;
  }

  private initialStatus(): UploadStatusFile {
    const prev = readStatus(this.opts.dataDir);
    const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
    return {
      updated_at: Date.now(),
      holder_pid: process.pid,
      cloud_origin: new URL(this.opts.cloud.url).origin,
      last_success_at: prev?.last_success_at ?? null,
      last_error: prev?.last_error ?? null,
      accepted_total: n(prev?.accepted_total),
      duplicates_total: n(prev?.duplicates_total),
      rejected_total: n(prev?.rejected_total),
      lost_to_retention: n(prev?.lost_to_retention),
      lost_segments: n(prev?.lost_segments),
      next_attempt_at: null,
      paused_until: prev?.paused_until ?? null,
      backlog: n(prev?.backlog),
      backlog_at: n(prev?.backlog_at),
    };
  }

  private noteError(code: string, message: string): void {
    const clean = this.opts.redact(scrubText(message)).slice(0, 200);
    this.status!.last_error = { code, message: clean, at: Date.now() };
    const key = `${code}: ${clean}`;
    if (this.warnedError !== key) this.opts.log(`upload: ${key}`);
    this.warnedError = key;
  }

  private warn(msg: string): void {
    this.opts.log(this.opts.redact(msg));
  }

  /** Someone else holds the lease: forget our run state; another holder writes the files. */
  private dropLease(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.status = null;
  }
}

/**
 * Exponential backoff with full jitter (a uniform draw below the step), the step doubling per
 * consecutive failure and capped at the interval: a recovered cloud gets the backlog within
 * about one interval.
 */
export function backoffDelayMs(failures: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const step = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(failures, 1) - 1, 30));
  return Math.max(Math.min(50, step), random() * step);
}

/** Deterministic per set of events: a retry of the same batch carries the same id. */
function batchId(rows: FoldedEvent[]): string {
  const h = createHash('sha256');
  for (const r of rows) h.update(r.event!.id).update('\n');
  return 'b-' + h.digest('hex').slice(0, 40);
}

/** Starts the uploader (its first run a few seconds from now). */
export function startUploader(opts: UploaderOptions): Uploader {
  const u = new Uploader(opts);
  u.start();
  return u;
}
