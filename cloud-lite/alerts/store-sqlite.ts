// The alert evaluation store on the embedded SQLite file (the core store's connection).
// better-sqlite3 is synchronous: each method runs whole on the event loop, and the writes run in
// BEGIN IMMEDIATE transactions like the core store's.
import type Database from 'better-sqlite3';
import type { Alert } from '../../core/types.ts';
import { storedSessionEvent } from './stored-event.ts';
import type {
  AlertStore,
  AlertToStore,
  EventPosition,
  FinishEvaluation,
  FinishResult,
  PendingMark,
  SessionEvent,
  SessionRef,
  SessionState,
} from './store.ts';

interface PendingRow {
  min_ts: number;
  min_id: string;
}

interface StateRow {
  version: number;
  last_ts: number;
  last_id: string;
  observed: number;
  detector: string;
}

export function sqliteAlertStore(db: Database.Database): AlertStore {
  // The trigger on events (migrations.ts) makes each insert keep a statement journal; in a temp
  // file that doubled the CPU an insert costs, in memory it is small (a statement's undo only).
  db.pragma('temp_store = MEMORY');
  // This part's writes skip the fsync (synchronous = NORMAL for their commit only): everything
  // they write is derived from the events and the pending marks, and in the WAL a commit lost
  // to a power cut takes every later one with it, so the mark that led to it is back and the
  // evaluation runs again. Ingest's commits stay FULL, and none lands in between (synchronous).
  const withoutFsync = <T>(write: () => T): T => {
    const mode = db.pragma('synchronous', { simple: true }) as number;
    db.pragma('synchronous = NORMAL');
    try {
      return write();
    } finally {
      db.pragma(`synchronous = ${mode}`);
    }
  };
  const statements = new Map<string, Database.Statement>();
  const stmt = (sql: string): Database.Statement => {
    let s = statements.get(sql);
    if (s === undefined) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };

  return {
    async pendingSessions(limit: number): Promise<SessionRef[]> {
      const rows = stmt('SELECT user_id, session_id FROM alert_pending LIMIT ?').all(limit) as { user_id: string; session_id: string }[];
      return rows.map((r) => ({ user: r.user_id, session: r.session_id }));
    },

    async claimSession(user: string, session: string): Promise<{ pending: PendingMark | null; state: SessionState | null }> {
      const p = stmt('UPDATE alert_pending SET claimed = 1 WHERE user_id = ? AND session_id = ? RETURNING min_ts, min_id').get(
        user,
        session,
      ) as PendingRow | undefined;
      const s = stmt('SELECT version, last_ts, last_id, observed, detector FROM alert_sessions WHERE user_id = ? AND session_id = ?').get(
        user,
        session,
      ) as StateRow | undefined;
      return {
        pending: p === undefined ? null : { min: { ts: p.min_ts, id: p.min_id } },
        state:
          s === undefined
            ? null
            : { version: s.version, last: { ts: s.last_ts, id: s.last_id }, observed: s.observed, detector: s.detector },
      };
    },

    async countEventsThrough(user: string, session: string, through: EventPosition): Promise<number> {
      return stmt('SELECT count(*) FROM events WHERE user_id = ? AND session_id = ? AND (ts, id) <= (?, ?)')
        .pluck()
        .get(user, session, through.ts, through.id) as number;
    },

    async sessionEvents(user: string, session: string, after: EventPosition | null, limit: number): Promise<SessionEvent[]> {
      const rows = (
        after === null
          ? stmt('SELECT key_id, body FROM events WHERE user_id = ? AND session_id = ? ORDER BY ts, id LIMIT ?').all(user, session, limit)
          : stmt('SELECT key_id, body FROM events WHERE user_id = ? AND session_id = ? AND (ts, id) > (?, ?) ORDER BY ts, id LIMIT ?').all(
              user,
              session,
              after.ts,
              after.id,
              limit,
            )
      ) as { key_id: string; body: string }[];
      return rows.map((r) => {
        return storedSessionEvent(r.body, r.key_id);
      });
    },

    async storeAlerts(user: string, alerts: readonly AlertToStore[], at: number): Promise<Alert[]> {
      if (alerts.length === 0) return [];
      const insert = stmt('INSERT INTO alerts (user_id, id, ts, body, session_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
      const outbox = stmt('INSERT INTO alert_outbox (user_id, alert_id, key_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
      return withoutFsync(() =>
        db
          .transaction(() => {
            const stored: Alert[] = [];
            for (const { alert, keyId } of alerts) {
              if (insert.run(user, alert.id, alert.ts, JSON.stringify(alert), alert.session_id).changes !== 1) continue;
              stored.push(alert);
              if (alert.severity === 'critical') outbox.run(user, alert.id, keyId, at);
            }
            return stored;
          })
          .immediate(),
      );
    },

    async finishEvaluation(f: FinishEvaluation): Promise<FinishResult> {
      return withoutFsync(() =>
        db
          .transaction((): FinishResult => {
            const { user, session, state } = f;
            if (state !== null) {
              const values = [state.last.ts, state.last.id, state.observed, state.detector, f.at, user, session];
              const saved =
                f.expectedVersion === 0
                  ? stmt(
                      `INSERT INTO alert_sessions (last_ts, last_id, observed, detector, evaluated_at, user_id, session_id, version)
                     VALUES (?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT DO NOTHING`,
                    ).run(...values).changes === 1
                  : stmt(
                      `UPDATE alert_sessions SET last_ts = ?, last_id = ?, observed = ?, detector = ?, evaluated_at = ?, version = version + 1
                     WHERE user_id = ? AND session_id = ? AND version = ?`,
                    ).run(...values, f.expectedVersion).changes === 1;
              if (!saved) return { saved: false, cleared: false, retracted: 0 };
            }
            let retracted = 0;
            if (f.keep !== null) {
              const ids = stmt('SELECT id FROM alerts WHERE user_id = ? AND session_id = ?').pluck().all(user, session) as string[];
              const dropAlert = stmt('DELETE FROM alerts WHERE user_id = ? AND id = ?');
              for (const id of ids) if (!f.keep.has(id)) retracted += dropAlert.run(user, id).changes;
            }
            const cleared =
              stmt('DELETE FROM alert_pending WHERE user_id = ? AND session_id = ? AND claimed = 1').run(user, session).changes === 1;
            return { saved: true, cleared, retracted };
          })
          .immediate(),
      );
    },
  };
}
