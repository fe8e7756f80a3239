// Sequence alerts: patterns across the steps of one agent session that no single request shows
// (a run of deletes, repeated 429/403, many writes without looking, rapid Meta budget changes).
// Pure and synchronous: the guard feeds every step of a session, in order, into one detector
// and gets back the alerts raised at that step. No I/O, no timers, no clock — time comes from
// the steps themselves, so replays (`warden-guard assess`) behave exactly like live sessions.
//
// Decisions:
// - Re-firing: a run alert fires when the run first reaches its threshold, then again each time
//   the run grows by another full threshold (3, 6, 9 deletes…), so a long run keeps being
//   visible without an alert per step. A broken run starts over from zero.
// - Per platform: the delete, 429 and 403 runs are kept per (session, platform), so a success
//   on one platform does not hide a run of failures or deletes on another. The writes-without-
//   read run and the budget window stay per session.
// - What breaks a run: the delete run is broken by any read or write on its platform; the
//   writes-without-read run only by a read. The 429 and 403 runs are broken by any other
//   *non-null* status on their platform; a null status (network error, timeout, request never
//   sent) says nothing about the upstream's answer, so it neither extends nor breaks them.
// - A Meta batch is one event whose operation lists its items (`batch DELETE /{version}/{id},…`):
//   sequenceStep() expands it into one step per item, so a batch of three deletes is three
//   deletes, live and in replays alike. The batch's HTTP status counts once (on its first item).
// - Every observed step counts, whatever its status or outcome: a delete that was refused is
//   still an agent trying to delete. The caller decides which steps to feed.
// - Budget changes: ≥ budgetChanges steps on platform "meta" carrying category "budget" with
//   at most budgetWindowMs between the oldest and the newest. Re-fires after another full
//   threshold of budget changes while the window still holds at least the threshold.
// - Event ids: the whole run, oldest first, capped at maxEventIds (the newest are kept) so a
//   runaway session cannot grow memory without bound. Messages carry counts and rule
//   categories only — never paths, ids or bodies, so no customer data.

import { actionForMethod } from '../rules/action.ts';
import type { Action, AlertSeverity, AuditEvent, Platform } from '../types.ts';

/** One observed agent operation, reduced to what the sequence rules need. */
export interface SequenceStep {
  event_id: string;
  /** UTC ms; expected non-decreasing within a session. */
  ts: number;
  platform: Platform;
  action: Action;
  /** Upstream HTTP status; null when no answer came back (network error, blocked, …). */
  status: number | null;
  /** Categories of the risk rules that matched (e.g. "product", "budget"). */
  categories: readonly string[];
}

/** A batch operation summary: `batch ` then `<METHOD> <pattern>` items joined by ','. */
const BATCH_PREFIX = 'batch ';
/** Meta runs at most 50 requests per batch; a stored event claiming more is read up to this. */
const MAX_BATCH_STEPS = 50;

type StepSource = Pick<AuditEvent, 'id' | 'ts' | 'platform' | 'action' | 'status' | 'categories'> & { operation?: string | null };

/**
 * The steps an audit event stands for: one, or one per item of a Meta batch. Every part feeds
 * stored events to the detector this way, so replays raise the alerts the guard raised.
 */
export function sequenceStep(e: StepSource): SequenceStep[] {
  const op = e.operation;
  if (typeof op !== 'string' || !op.startsWith(BATCH_PREFIX)) {
    return [{ event_id: e.id, ts: e.ts, platform: e.platform, action: e.action, status: e.status, categories: e.categories }];
  }
  const items = op.slice(BATCH_PREFIX.length).split(',', MAX_BATCH_STEPS);
  const steps: SequenceStep[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const space = item.indexOf(' ');
    const action = actionForMethod((space === -1 ? item : item.slice(0, space)).toUpperCase());
    steps.push({
      event_id: e.id,
      ts: e.ts,
      platform: e.platform,
      action,
      status: i === 0 ? e.status : null,
      // The event keeps the union of its items' categories; a read item takes none of them.
      categories: action === 'read' ? [] : e.categories,
    });
  }
  return steps;
}

export interface RaisedAlert {
  rule: string;
  severity: AlertSeverity;
  message: string;
  /** The steps that make up the triggering run, oldest first. */
  event_ids: string[];
}

export interface SequenceThresholds {
  /** Consecutive delete actions (REST DELETE or delete mutations). Default 3. */
  consecutiveDeletes: number;
  /** Consecutive 429 responses. Default 2. */
  consecutive429: number;
  /** Consecutive 403 responses. Default 3. */
  consecutive403: number;
  /** Consecutive writes or deletes without a read in between. Default 10. */
  writesWithoutRead: number;
  /** Meta budget changes within budgetWindowMs. Default 3. */
  budgetChanges: number;
  /** Default 600000 (10 minutes). */
  budgetWindowMs: number;
  /** Most event ids an alert carries (the newest are kept). Default 500. */
  maxEventIds: number;
}

export const DEFAULT_SEQUENCE_THRESHOLDS: Readonly<SequenceThresholds> = Object.freeze({
  consecutiveDeletes: 3,
  consecutive429: 2,
  consecutive403: 3,
  writesWithoutRead: 10,
  budgetChanges: 3,
  budgetWindowMs: 600_000,
  maxEventIds: 500,
});

/** Rule ids of the alerts this detector raises. */
export const SEQUENCE_RULES = Object.freeze({
  consecutiveDeletes: 'consecutive_deletes',
  rateLimitedRepeatedly: 'rate_limited_repeatedly',
  forbiddenRepeatedly: 'forbidden_repeatedly',
  writesWithoutRead: 'writes_without_read',
  rapidBudgetChanges: 'rapid_budget_changes',
});

/** Distinct labels shown in a message, e.g. "(product, webhook)"; more are summarised as "…". */
const MAX_LABELS = 4;

/**
 * A run of consecutive steps: its length, the ids of its newest steps and a few distinct
 * labels for the message. The id and label arrays are reused across runs (a ring buffer and a
 * count; never shrunk), so extending and resetting a run allocate nothing on the hot path.
 */
class Run {
  length = 0;
  private readonly ids: string[] = [];
  /** How many entries of `ids` belong to the current run. */
  private stored = 0;
  /** Index of the oldest id once the ring buffer is full. */
  private oldest = 0;
  private readonly labels: string[] = [];
  private labelCount = 0;
  private moreLabels = false;

  constructor(private readonly maxIds: number) {}

  extend(eventId: string, labels: readonly string[]): void {
    this.length++;
    for (let i = 0; i < labels.length; i++) this.addLabel(labels[i]!);
    // The items of one batch share their event id: the alert lists it once.
    if (this.length > 1 && this.newestId() === eventId) return;
    if (this.stored < this.maxIds) {
      this.ids[this.stored++] = eventId;
    } else {
      this.ids[this.oldest] = eventId;
      this.oldest = (this.oldest + 1) % this.maxIds;
    }
  }

  private newestId(): string | undefined {
    if (this.stored === 0) return undefined;
    return this.ids[this.stored < this.maxIds || this.oldest === 0 ? this.stored - 1 : this.oldest - 1];
  }

  private addLabel(label: string): void {
    for (let i = 0; i < this.labelCount; i++) if (this.labels[i] === label) return;
    if (this.labelCount < MAX_LABELS) this.labels[this.labelCount++] = label;
    else this.moreLabels = true;
  }

  reset(): void {
    this.length = 0;
    this.stored = 0;
    this.oldest = 0;
    this.labelCount = 0;
    this.moreLabels = false;
  }

  /** True when the run has just reached threshold, 2×threshold, 3×threshold… */
  justReachedMultipleOf(threshold: number): boolean {
    return this.length >= threshold && this.length % threshold === 0;
  }

  /** The run's ids, oldest first (a fresh array: alerts outlive the run). */
  eventIds(): string[] {
    if (this.oldest === 0) return this.ids.slice(0, this.stored);
    return this.ids.slice(this.oldest, this.stored).concat(this.ids.slice(0, this.oldest));
  }

  /** " (product, webhook)" or "" when there are no labels. */
  labelSuffix(): string {
    if (this.labelCount === 0) return '';
    const shown = this.labels.slice(0, this.labelCount).join(', ');
    return ` (${shown}${this.moreLabels ? ', …' : ''})`;
  }
}

/** The runs kept per platform. */
interface PlatformRuns {
  readonly deletes: Run;
  readonly tooManyRequests: Run;
  readonly forbidden: Run;
}

/** One detector per agent session; observe() every step in order. */
export class SequenceDetector {
  private readonly limits: SequenceThresholds;
  private readonly byPlatform = new Map<Platform, PlatformRuns>();
  private readonly blindWrites: Run;
  /** Meta budget changes still inside the window, oldest first (parallel arrays). */
  private readonly budgetTs: number[] = [];
  private readonly budgetIds: string[] = [];
  private budgetChangesSinceAlert = 0;

  constructor(opts?: Partial<SequenceThresholds>) {
    const limits = { ...DEFAULT_SEQUENCE_THRESHOLDS, ...opts };
    for (const [name, value] of Object.entries(limits)) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`sequence threshold ${name} must be a positive integer, got ${value}`);
      }
    }
    this.limits = limits;
    this.blindWrites = new Run(limits.maxEventIds);
  }

  /** Feeds one step (or the steps of one event, in order); returns the alerts raised (usually none). */
  observe(input: SequenceStep | readonly SequenceStep[]): RaisedAlert[] {
    if (!isStepList(input)) return this.observeStep(input);
    if (input.length === 1) return this.observeStep(input[0]!);
    const alerts: RaisedAlert[] = [];
    for (const step of input) for (const alert of this.observeStep(step)) alerts.push(alert);
    return alerts;
  }

  private runsFor(platform: Platform): PlatformRuns {
    let runs = this.byPlatform.get(platform);
    if (runs === undefined) {
      const max = this.limits.maxEventIds;
      runs = { deletes: new Run(max), tooManyRequests: new Run(max), forbidden: new Run(max) };
      this.byPlatform.set(platform, runs);
    }
    return runs;
  }

  private observeStep(step: SequenceStep): RaisedAlert[] {
    // Each field is read once, up front. Build steps as object literals: in V8 (Node 20) a
    // step built with a spread (`{...shape, event_id, ts}`) made this call ~20× slower.
    const { event_id: id, ts, platform, action, status, categories } = step;
    const alerts: RaisedAlert[] = [];
    const runs = this.runsFor(platform);
    this.checkDeletes(runs, id, action, categories, alerts);
    if (status !== null) this.checkStatusRuns(runs, id, platform, status, alerts); // null: see top of file
    this.checkBlindWrites(id, action, categories, alerts);
    if (platform === 'meta' && categories.includes('budget')) this.countBudgetChange(id, ts, alerts);
    return alerts;
  }

  private checkDeletes(runs: PlatformRuns, id: string, action: Action, categories: readonly string[], alerts: RaisedAlert[]): void {
    this.advance(
      runs.deletes,
      action === 'delete',
      id,
      categories,
      this.limits.consecutiveDeletes,
      SEQUENCE_RULES.consecutiveDeletes,
      'critical',
      'delete calls in a row',
      alerts,
    );
  }

  private checkStatusRuns(runs: PlatformRuns, id: string, platform: Platform, status: number, alerts: RaisedAlert[]): void {
    const labels = PLATFORM_LABEL[platform] ?? [String(platform)];
    this.advance(
      runs.tooManyRequests,
      status === 429,
      id,
      labels,
      this.limits.consecutive429,
      SEQUENCE_RULES.rateLimitedRepeatedly,
      'critical',
      'responses in a row were 429 Too Many Requests',
      alerts,
    );
    this.advance(
      runs.forbidden,
      status === 403,
      id,
      labels,
      this.limits.consecutive403,
      SEQUENCE_RULES.forbiddenRepeatedly,
      'critical',
      'responses in a row were 403 Forbidden',
      alerts,
    );
  }

  private checkBlindWrites(id: string, action: Action, categories: readonly string[], alerts: RaisedAlert[]): void {
    this.advance(
      this.blindWrites,
      action !== 'read',
      id,
      categories,
      this.limits.writesWithoutRead,
      SEQUENCE_RULES.writesWithoutRead,
      'warning',
      'writes in a row without a read',
      alerts,
    );
  }

  /**
   * The shape every run rule shares: a matching step extends the run, any other step resets
   * it; the alert fires when the run reaches each multiple of its threshold.
   */
  private advance(
    run: Run,
    matches: boolean,
    id: string,
    labels: readonly string[],
    threshold: number,
    rule: string,
    severity: AlertSeverity,
    what: string,
    alerts: RaisedAlert[],
  ): void {
    if (!matches) {
      run.reset();
      return;
    }
    run.extend(id, labels);
    if (run.justReachedMultipleOf(threshold)) {
      alerts.push({ rule, severity, message: `${run.length} ${what}${run.labelSuffix()}`, event_ids: run.eventIds() });
    }
  }

  private countBudgetChange(id: string, at: number, alerts: RaisedAlert[]): void {
    const ts = this.budgetTs;
    const ids = this.budgetIds;
    // Forget changes that fell out of the window, and the oldest beyond the id cap.
    const keep = Math.max(this.limits.maxEventIds, this.limits.budgetChanges);
    while (ts.length > 0 && (at - ts[0]! > this.limits.budgetWindowMs || ts.length >= keep)) {
      ts.shift();
      ids.shift();
    }
    ts.push(at);
    ids.push(id);
    this.budgetChangesSinceAlert++;
    const threshold = this.limits.budgetChanges;
    if (ts.length >= threshold && this.budgetChangesSinceAlert >= threshold) {
      this.budgetChangesSinceAlert = 0;
      alerts.push({
        rule: SEQUENCE_RULES.rapidBudgetChanges,
        severity: 'warning',
        message: `${ts.length} Meta budget changes within ${formatMinutes(this.limits.budgetWindowMs)}`,
        event_ids: [...new Set(ids)], // the items of one batch share their id
      });
    }
  }
}

/** Pre-built one-element label lists so the status runs do not allocate per step. */
const PLATFORM_LABEL: Readonly<Record<Platform, readonly string[]>> = {
  shopify: ['shopify'],
  meta: ['meta'],
  generic: ['generic'],
};

function isStepList(input: SequenceStep | readonly SequenceStep[]): input is readonly SequenceStep[] {
  return Array.isArray(input);
}

function formatMinutes(ms: number): string {
  const minutes = ms / 60_000;
  if (Number.isInteger(minutes)) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  return `${Math.round(ms / 1000)} seconds`;
}
