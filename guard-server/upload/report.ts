// What warden_status and `audit --upload-status` show about uploads: read from the holder's
// upload/status.json (any guard on the data dir, or the CLI without a guard, sees the same).
// Times are ISO strings; the cloud appears as its origin only (no path, no credentials).
import { readStatus } from './state.ts';

export interface UploadReport {
  enabled: boolean;
  cloud: string | null;
  /** Folded events not uploaded yet (journal lines not folded yet are not counted). */
  backlog: number | null;
  backlog_at: string | null;
  last_success: string | null;
  last_error: { code: string; message: string; at: string } | null;
  paused_until: string | null;
  next_attempt: string | null;
  accepted_total: number;
  duplicates_total: number;
  rejected_total: number;
  lost_to_retention: number;
  lost_segments: number;
  /** Pid of the guard holding upload.lock when the status was written. */
  holder_pid: number | null;
}

const iso = (ms: number | null | undefined): string | null => (typeof ms === 'number' && ms > 0 ? new Date(ms).toISOString() : null);

/** The origin of a cloud URL, never its path, query or user info. */
export function cloudOrigin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * The report for `dataDir`. `cloudUrl` null: this guard uploads nothing (a status file left
 * by an earlier configuration is still shown, for the CLI). `backlog`: a fresh count, else the
 * holder's last one.
 */
export function uploadReport(dataDir: string, cloudUrl: string | null, enabled: boolean, backlog?: number): UploadReport {
  const s = readStatus(dataDir);
  return {
    enabled,
    cloud: cloudUrl !== null ? cloudOrigin(cloudUrl) : (s?.cloud_origin ?? null),
    backlog: backlog ?? s?.backlog ?? null,
    backlog_at: backlog !== undefined ? new Date().toISOString() : iso(s?.backlog_at),
    last_success: iso(s?.last_success_at),
    last_error: s?.last_error ? { code: s.last_error.code, message: s.last_error.message, at: iso(s.last_error.at) ?? '' } : null,
    paused_until: s?.paused_until && s.paused_until > Date.now() ? iso(s.paused_until) : null,
    next_attempt: iso(s?.next_attempt_at),
    accepted_total: s?.accepted_total ?? 0,
    duplicates_total: s?.duplicates_total ?? 0,
    rejected_total: s?.rejected_total ?? 0,
    lost_to_retention: s?.lost_to_retention ?? 0,
    lost_segments: s?.lost_segments ?? 0,
    holder_pid: s?.holder_pid ?? null,
  };
}
