// Runs the shared sequence detector (core/alerts/sequence.ts) on ingested events, per session,
// off the ingest path: postBatch tells it which events were stored; it evaluates, stores the
// alerts once and tells the mailer when a critical one is new.
//
// Exact and durable:
// - What to evaluate comes from the database, not from memory: a trigger marks the session in
//   alert_pending in the transaction that stores its events (migrations.ts). afterInsert only
//   queues the sessions it names; the start and a periodic sweep queue every marked session, so
//   a crash (or another instance's crash) between a commit and its evaluation delays the
//   evaluation, never loses it.
// - Event order: a session is evaluated in (ts, id) order, whatever order its batches came in.
//   The detector's state is saved with the session's watermark (the last event seen); a batch
//   whose events all come after it costs those events only. An event before the watermark (a
//   late one) makes the evaluator replay the session from its start, and the alerts of the
//   session that the true order no longer raises are retracted (deleted), so the stored alerts
//   are always those of the stored events in event order. Their outbox rows stay (the mail
//   part's from the moment they are written; it finds the alert gone, and a retracted alert
//   raised again later is not mailed twice).
// - Once: an alert's id is a hash of what it says (session, rule, message, event ids), so every
//   evaluation, retry or instance that raises it names it the same, and the store keeps the first
//   (primary key), writing its outbox row in that same transaction. Scaled out, a per-session
//   lease in Redis keeps two instances from evaluating one session at once; the state's version
//   (compare-and-set) is the final guard.
import { createHash } from 'node:crypto';
import { SequenceDetector, sequenceStep, type RaisedAlert } from '../../core/alerts/sequence.ts';
import { EVENT_SCHEMA_VERSION } from '../../core/protocol/event.ts';
import type { Alert, AuditEvent } from '../../core/types.ts';
import type { Limiter } from '../limits/types.ts';
import type { Logger } from '../log.ts';
import type { CloudStore } from '../store/types.ts';
import { restoreDetector, saveDetector } from './snapshot.ts';
import type { EvaluatedEvent } from './stored-event.ts';
import { beforePosition, type AlertToStore, type EventPosition, type SessionRef } from './store.ts';

export interface AlertEvaluatorDeps {
  store: CloudStore;
  limiter: Limiter;
  log: Logger;
  now: () => number;
  /** Called when new critical alerts wait in the mail outbox. */
  onCritical: () => void;
  /** How often every marked session is looked for (default 5000 ms). */
  sweepMs?: number;
  /** Sessions evaluated at once by this instance (default 2). */
  concurrency?: number;
}

export interface AlertEvaluator {
  /**
   * The events a batch stored (accepted, not duplicates), right after the commit, with the key
   * that uploaded them (its owner is who a critical alert is mailed to). Never throws.
   */
  afterInsert(user: string, keyId: string, events: readonly AuditEvent[]): void;
  close(): Promise<void>;
}

/** Events read per query while evaluating. */
const PAGE = 250;
/** Alerts stored per transaction. */
const STORE_CHUNK = 25;
/** Marked sessions read per sweep. */
const SWEEP_LIMIT = 1000;
/** A session's lease outlives any evaluation by far; it is released as soon as the evaluation ends. */
const LEASE_MS = 60_000;
/** A batch's sessions are evaluated this long after it: the batches of a busy session share one evaluation. */
const COALESCE_MS = 50;
/** Retry after another instance held the lease. */
const BUSY_RETRY_MS = 200;
const MAX_ERROR_RETRY_MS = 30_000;
/** Rounds per session in one job (each round after an insert raced the previous one). */
const MAX_ROUNDS = 8;

/** The same alert on every instance and every retry gets the same id. */
export function alertId(session: string, r: RaisedAlert): string {
  // The run's first and last event, its length (in the message) and the rule name one firing:
  // no need to hash up to 500 ids.
  const ids = r.event_ids;
  const h = createHash('sha256').update(JSON.stringify([session, r.rule, r.message, ids.length, ids[0] ?? null, ids.at(-1) ?? null]));
  return `alr_${h.digest('base64url').slice(0, 32)}`;
}

export function toAlert(event: EvaluatedEvent, r: RaisedAlert): Alert {
  return {
    v: EVENT_SCHEMA_VERSION,
    id: alertId(event.session_id, r),
    ts: event.ts,
    session_id: event.session_id,
    instance_id: event.instance_id,
    rule: r.rule,
    severity: r.severity,
    message: r.message,
    event_ids: r.event_ids,
  };
}

/** Lease name of a session: bounded whatever the ids hold. */
function leaseName(s: SessionRef): string {
  return `alerts:${createHash('sha256')
    .update(JSON.stringify([s.user, s.session]))
    .digest('base64url')}`;
}

/**
 * What a log line says of an error: the store's and the limiter's errors carry no values
 * (PostgresStoreError, LimiterUnavailableError, SQLite's messages); a JSON.parse error quotes the
 * text it failed on, so only its class is logged.
 */
function errorGist(err: unknown): string {
  if (err instanceof SyntaxError) return err.name;
  if (err instanceof Error) return `${err.name}: ${err.message.slice(0, 200)}`;
  return 'unknown error';
}

type RoundResult = 'done' | 'again';

/** Lets pending I/O (requests, ingest commits) run before the evaluation goes on. */
const yieldToIngest = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function startAlertEvaluator(deps: AlertEvaluatorDeps): AlertEvaluator {
  const { store, limiter, log, now } = deps;
  const concurrency = deps.concurrency ?? 2;
  /** Sessions to evaluate, in arrival order, by key; `due` is when a retry may run. */
  const queue = new Map<string, { ref: SessionRef; due: number }>();
  const running = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  const failures = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let retryAt = 0;
  let closed = false;

  const keyOf = (s: SessionRef): string => JSON.stringify([s.user, s.session]);

  function enqueue(ref: SessionRef, delayMs = 0): void {
    if (closed) return;
    const key = keyOf(ref);
    const due = Date.now() + delayMs;
    const queued = queue.get(key);
    if (queued === undefined || queued.due > due) queue.set(key, { ref, due });
    pump();
  }

  /** Starts queued jobs that are due, up to the concurrency; arms a timer for the next retry. */
  function pump(): void {
    if (closed) return;
    const t = Date.now();
    let nextDue = Infinity;
    for (const [key, { ref, due }] of queue) {
      if (running.size >= concurrency) break;
      if (running.has(key)) continue; // queued again while running: after it ends
      if (due > t) {
        nextDue = Math.min(nextDue, due);
        continue;
      }
      queue.delete(key);
      running.add(key);
      const job = runJob(key, ref).finally(() => {
        running.delete(key);
        inFlight.delete(job);
        pump();
      });
      inFlight.add(job);
    }
    // One timer, for the earliest job that is not due yet.
    if (nextDue !== Infinity && (retryTimer === null || nextDue < retryAt)) {
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryAt = nextDue;
      retryTimer = setTimeout(
        () => {
          retryTimer = null;
          pump();
        },
        Math.max(1, nextDue - t),
      );
      retryTimer.unref();
    }
  }

  async function runJob(key: string, ref: SessionRef): Promise<void> {
    let token: string | null;
    try {
      token = await limiter.acquireLease(leaseName(ref), LEASE_MS);
    } catch (err) {
      return failed(key, ref, err);
    }
    if (token === null) return enqueue(ref, BUSY_RETRY_MS); // another instance evaluates it
    try {
      let result: RoundResult = 'again';
      for (let round = 0; round < MAX_ROUNDS && !closed && result === 'again'; round++) result = await evaluateRound(ref);
      failures.delete(key);
      if (result === 'again') enqueue(ref, BUSY_RETRY_MS); // inserts keep coming: let other sessions run
    } catch (err) {
      failed(key, ref, err);
    } finally {
      await limiter.releaseLease(leaseName(ref), token).catch(() => {}); // it expires anyway
    }
  }

  function failed(key: string, ref: SessionRef, err: unknown): void {
    const n = (failures.get(key) ?? 0) + 1;
    failures.set(key, n);
    const delay = Math.min(MAX_ERROR_RETRY_MS, 500 * 2 ** Math.min(n - 1, 10));
    log.info(`alerts: evaluating a session failed (${errorGist(err)}); retrying in ${Math.round(delay / 1000)} s`);
    enqueue(ref, delay);
  }

  /** One pass over the session's new events; 'again' when an insert came meanwhile. */
  async function evaluateRound(ref: SessionRef): Promise<RoundResult> {
    const { user, session } = ref;
    const { pending, state } = await store.alerts.claimSession(user, session);
    if (pending === null) return 'done';
    let detector: SequenceDetector | null = null;
    let after: EventPosition | null = null;
    let observed = 0;
    if (state !== null) {
      // Fast path: every new event is after the watermark. Else count: an insert that raced
      // the previous evaluation may have been seen already (counts match), or an event really
      // arrived before the watermark (the session is replayed from its start).
      const continues =
        beforePosition(state.last, pending.min) || (await store.alerts.countEventsThrough(user, session, state.last)) === state.observed;
      if (continues) {
        detector = restoreDetector(state.detector);
        after = state.last;
        observed = state.observed;
      }
    }
    const replay = detector === null;
    if (detector === null) {
      detector = new SequenceDetector();
      after = null;
      observed = 0;
    }
    const raised = replay ? new Set<string>() : null;
    let toStore: AlertToStore[] = [];
    let newCritical = false;
    // In chunks, with the event loop given back between them: on SQLite every store call runs
    // on it, and a runaway session (a run of thousands of deletes raises an alert every third
    // step, each with up to 500 ids) must not hold ingest up.
    const flush = async (): Promise<void> => {
      for (let i = 0; i < toStore.length; i += STORE_CHUNK) {
        const stored = await store.alerts.storeAlerts(user, toStore.slice(i, i + STORE_CHUNK), now());
        if (stored.some((a) => a.severity === 'critical')) newCritical = true;
        await yieldToIngest();
      }
      toStore = [];
    };
    for (;;) {
      const page = await store.alerts.sessionEvents(user, session, after, PAGE);
      for (const { event, keyId } of page) {
        for (const r of detector.observe(sequenceStep(event))) {
          const alert = toAlert(event, r);
          raised?.add(alert.id);
          toStore.push({ alert, keyId });
        }
        after = { ts: event.ts, id: event.id };
        observed++;
      }
      if (toStore.length >= STORE_CHUNK) await flush();
      if (page.length < PAGE) break;
      await yieldToIngest();
    }
    await flush();
    if (newCritical) {
      try {
        deps.onCritical();
      } catch (err) {
        log.info(`alerts: waking the mailer failed (${errorGist(err)}); it finds the outbox rows on its own sweep`);
      }
    }
    const result = await store.alerts.finishEvaluation({
      user,
      session,
      expectedVersion: state?.version ?? 0,
      state: after === null ? null : { last: after, observed, detector: saveDetector(detector) },
      keep: raised,
      at: now(),
    });
    return result.saved && result.cleared ? 'done' : 'again';
  }

  async function sweep(): Promise<void> {
    try {
      for (const ref of await store.alerts.pendingSessions(SWEEP_LIMIT)) {
        if (!queue.has(keyOf(ref)) && !running.has(keyOf(ref))) enqueue(ref);
      }
    } catch (err) {
      log.info(`alerts: looking for sessions to evaluate failed (${errorGist(err)})`);
    }
  }

  const sweeping = new Set<Promise<void>>();
  const runSweep = (): void => {
    if (closed) return;
    const p = sweep().finally(() => sweeping.delete(p));
    sweeping.add(p);
  };
  runSweep(); // what a previous run committed but did not evaluate
  timer = setInterval(runSweep, deps.sweepMs ?? 5000);
  timer.unref();

  return {
    afterInsert(user: string, _keyId: string, events: readonly AuditEvent[]): void {
      try {
        const sessions = new Set<string>();
        for (const e of events) sessions.add(e.session_id);
        for (const session of sessions) enqueue({ user, session }, COALESCE_MS);
      } catch (err) {
        log.info(`alerts: queueing an evaluation failed (${errorGist(err)})`);
      }
    },
    async close(): Promise<void> {
      closed = true;
      if (timer !== null) clearInterval(timer);
      if (retryTimer !== null) clearTimeout(retryTimer);
      queue.clear();
      // What was queued stays marked in the database: the next start evaluates it.
      await Promise.allSettled([...sweeping, ...inFlight]);
    },
  };
}
