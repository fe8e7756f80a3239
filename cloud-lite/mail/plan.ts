// The hourly cap's decision for one user, shared by both stores (pure: the stores run it under
// the user's lock). While slots are free, each alert gets its own email; the alerts past the cap
// are held until the oldest email in the window leaves it, and then everything held goes out as
// one digest. Nothing is dropped: a held alert waits, it is never skipped.
import { MAIL_DIGEST_MAX_ALERTS } from './store.ts';

export interface WaitingRow {
  alertId: string;
  /** 0 for a new row; > 0 once the cap held it (the time a slot was to free). */
  composeAfter: number;
}

export interface ComposePlan {
  singles: string[];
  /** One digest of these alerts, or null. */
  digest: string[] | null;
  /** Alerts that wait, and until when. */
  hold: { alertIds: string[]; until: number } | null;
}

/**
 * `rows`: the user's waiting alerts, oldest first. `recent`: created_at of the user's emails in
 * the window (created_at > now - windowMs), ascending.
 */
export function planCompose(
  rows: readonly WaitingRow[],
  recent: readonly number[],
  now: number,
  perHour: number,
  windowMs: number,
): ComposePlan {
  const sent = [...recent];
  // The moment the window holds one email fewer than the cap (now, when it already does).
  const slotFreesAt = (): number => (sent.length < perHour ? now : sent[sent.length - perHour]! + windowMs);
  const free = perHour - sent.length;
  if (rows.length === 0) return { singles: [], digest: null, hold: null };
  if (free <= 0) return { singles: [], digest: null, hold: { alertIds: rows.map((r) => r.alertId), until: slotFreesAt() } };
  if (rows.some((r) => r.composeAfter > 0)) {
    const digest = rows.slice(0, MAIL_DIGEST_MAX_ALERTS).map((r) => r.alertId);
    const rest = rows.slice(MAIL_DIGEST_MAX_ALERTS).map((r) => r.alertId);
    sent.push(now);
    return { singles: [], digest, hold: rest.length === 0 ? null : { alertIds: rest, until: slotFreesAt() } };
  }
  const singles = rows.slice(0, free).map((r) => r.alertId);
  for (const _ of singles) sent.push(now);
  const rest = rows.slice(free).map((r) => r.alertId);
  return { singles, digest: null, hold: rest.length === 0 ? null : { alertIds: rest, until: slotFreesAt() } };
}
