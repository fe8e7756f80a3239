// What the alert evaluation part keeps in the cloud store: one interface, implemented over the same
// database as the core store (store-sqlite.ts, store-postgres.ts), reached as store.alerts.
// The tables are in migrations.ts (alert_pending, alert_sessions, alert_outbox, alerts.session_id).
import type { Alert } from '../../core/types.ts';
import type { EvaluatedEvent } from './stored-event.ts';

/** A place in a session's event order: events are evaluated by ts, then id. */
export interface EventPosition {
  ts: number;
  id: string;
}

export interface SessionRef {
  user: string;
  session: string;
}

/** Events of the session stored but not yet evaluated (written by a trigger on events). */
export interface PendingMark {
  /** The earliest event stored since the mark was last claimed, in event order. */
  min: EventPosition;
}

/** Where the session's evaluation stands. */
export interface SessionState {
  /** Compare-and-set token of finishEvaluation. */
  version: number;
  /** The last event evaluated (the watermark). */
  last: EventPosition;
  /** How many events the detector has seen (all events up to `last`, when no late one came). */
  observed: number;
  /** The detector's saved state (snapshot.ts). */
  detector: string;
}

export interface SessionEvent {
  event: EvaluatedEvent;
  /** The key that uploaded it: a critical alert it completes is mailed to that key's owner. */
  keyId: string;
}

export interface AlertToStore {
  alert: Alert;
  keyId: string;
}

export interface FinishEvaluation {
  user: string;
  session: string;
  /** The state's version the evaluation started from; 0 when there was none. */
  expectedVersion: number;
  /** The new state; null when the session has no event (nothing to save). */
  state: Omit<SessionState, 'version'> | null;
  /**
   * After a replay from the session's start: every alert it raised. The session's other alerts
   * are retracted (their rows deleted). Their outbox rows stay: from the moment it is written an
   * outbox row is the mail part's, and keeping it keeps the mail once if the alert comes back.
   */
  keep: ReadonlySet<string> | null;
  at: number;
}

export interface FinishResult {
  /** False when another evaluator saved the state first: nothing was changed. */
  saved: boolean;
  /** The pending mark was cleared (no insert came since it was claimed). */
  cleared: boolean;
  /** Alerts retracted by a replay. */
  retracted: number;
}

export interface AlertStore {
  /** Sessions with pending marks (any order), at most `limit`. */
  pendingSessions(limit: number): Promise<SessionRef[]>;
  /** Claims the session's pending mark (an insert from now on unclaims it) and reads where its evaluation stands. */
  claimSession(user: string, session: string): Promise<{ pending: PendingMark | null; state: SessionState | null }>;
  /** Events of the session at or before `through`, in event order. */
  countEventsThrough(user: string, session: string, through: EventPosition): Promise<number>;
  /** Up to `limit` events of the session after `after` (from the start when null), in event order. */
  sessionEvents(user: string, session: string, after: EventPosition | null, limit: number): Promise<SessionEvent[]>;
  /**
   * Stores the alerts not stored yet (by id; others are left alone) and, in the same transaction,
   * an alert_outbox row for each new critical one. Returns the alerts it stored.
   */
  storeAlerts(user: string, alerts: readonly AlertToStore[], at: number): Promise<Alert[]>;
  /** Saves the state (compare-and-set), retracts what a replay no longer raises, clears the mark if still claimed: one transaction. */
  finishEvaluation(f: FinishEvaluation): Promise<FinishResult>;
}

/** a < b in event order: ts, then id compared bytewise in UTF-8 (as both databases compare them). */
export function beforePosition(a: EventPosition, b: EventPosition): boolean {
  return a.ts < b.ts || (a.ts === b.ts && Buffer.compare(Buffer.from(a.id), Buffer.from(b.id)) < 0);
}
