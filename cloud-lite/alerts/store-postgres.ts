// The alert evaluation store on PostgreSQL (the core store's pool). Errors leave as
// PostgresStoreError without values (PgDatabase).
import type { Alert } from '../../core/types.ts';
import { storedSessionEvent } from './stored-event.ts';
import type { PgDatabase } from '../store/postgres-db.ts';
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

export function postgresAlertStore(db: PgDatabase): AlertStore {
  return {
    async pendingSessions(limit: number): Promise<SessionRef[]> {
      const r = await db.query<{ user_id: string; session_id: string }>(
        'pendingSessions',
        'SELECT user_id, session_id FROM alert_pending LIMIT $1',
        [limit],
      );
      return r.rows.map((x) => ({ user: x.user_id, session: x.session_id }));
    },

    async claimSession(user: string, session: string): Promise<{ pending: PendingMark | null; state: SessionState | null }> {
      const r = await db.query<{
        claimed: boolean | null;
        min_ts: number | null;
        min_id: string | null;
        version: string | null;
        last_ts: number | null;
        last_id: string | null;
        observed: string | null;
        detector: string | null;
      }>(
        'claimSession',
        `WITH p AS (
           UPDATE alert_pending SET claimed = true WHERE user_id = $1 AND session_id = $2 RETURNING claimed, min_ts, min_id
         )
         SELECT p.claimed, p.min_ts, p.min_id, s.version, s.last_ts, s.last_id, s.observed, s.detector
         FROM (SELECT 1) AS one
         LEFT JOIN p ON true
         LEFT JOIN alert_sessions AS s ON s.user_id = $1 AND s.session_id = $2`,
        [user, session],
      );
      const x = r.rows[0]!;
      return {
        pending: x.claimed === null ? null : { min: { ts: x.min_ts!, id: x.min_id! } },
        state:
          x.version === null
            ? null
            : { version: Number(x.version), last: { ts: x.last_ts!, id: x.last_id! }, observed: Number(x.observed), detector: x.detector! },
      };
    },

    async countEventsThrough(user: string, session: string, through: EventPosition): Promise<number> {
      const r = await db.query<{ n: string }>(
        'countEventsThrough',
        'SELECT count(*) AS n FROM events WHERE user_id = $1 AND session_id = $2 AND (ts, id) <= ($3, $4)',
        [user, session, through.ts, through.id],
      );
      return Number(r.rows[0]!.n);
    },

    async sessionEvents(user: string, session: string, after: EventPosition | null, limit: number): Promise<SessionEvent[]> {
      const r =
        after === null
          ? await db.query<{ key_id: string; body: string }>(
              'sessionEvents',
              'SELECT key_id, body FROM events WHERE user_id = $1 AND session_id = $2 ORDER BY ts, id LIMIT $3',
              [user, session, limit],
            )
          : await db.query<{ key_id: string; body: string }>(
              'sessionEvents',
              'SELECT key_id, body FROM events WHERE user_id = $1 AND session_id = $2 AND (ts, id) > ($3, $4) ORDER BY ts, id LIMIT $5',
              [user, session, after.ts, after.id, limit],
            );
      return r.rows.map((row) => {
        return storedSessionEvent(row.body, row.key_id);
      });
    },

    async storeAlerts(user: string, alerts: readonly AlertToStore[], at: number): Promise<Alert[]> {
      if (alerts.length === 0) return [];
      return db.transaction('storeAlerts', async (c) => {
        // In id order: two evaluators storing overlapping alerts lock them in the same order.
        const sorted = [...alerts].sort((a, b) => Buffer.compare(Buffer.from(a.alert.id), Buffer.from(b.alert.id)));
        const r = await c.query<{ id: string }>(
          `INSERT INTO alerts (user_id, id, ts, body, session_id)
           SELECT $1, x.id, x.ts, x.body, x.session_id
           FROM unnest($2::text[], $3::float8[], $4::text[], $5::text[]) WITH ORDINALITY AS x(id, ts, body, session_id, ord)
           ORDER BY x.ord
           ON CONFLICT DO NOTHING
           RETURNING alerts.id`,
          [
            user,
            sorted.map((a) => a.alert.id),
            sorted.map((a) => a.alert.ts),
            sorted.map((a) => JSON.stringify(a.alert)),
            sorted.map((a) => a.alert.session_id),
          ],
        );
        const fresh = new Set(r.rows.map((x) => x.id));
        const stored = sorted.filter((a) => fresh.has(a.alert.id));
        const critical = stored.filter((a) => a.alert.severity === 'critical');
        if (critical.length > 0) {
          await c.query(
            `INSERT INTO alert_outbox (user_id, alert_id, key_id, created_at)
             SELECT $1, x.alert_id, x.key_id, $4 FROM unnest($2::text[], $3::text[]) AS x(alert_id, key_id)
             ON CONFLICT DO NOTHING`,
            [user, critical.map((a) => a.alert.id), critical.map((a) => a.keyId), at],
          );
        }
        return stored.map((a) => a.alert);
      });
    },

    async finishEvaluation(f: FinishEvaluation): Promise<FinishResult> {
      return db.transaction('finishEvaluation', async (c) => {
        const { user, session, state } = f;
        if (state !== null) {
          const values = [state.last.ts, state.last.id, state.observed, state.detector, f.at, user, session];
          const r =
            f.expectedVersion === 0
              ? await c.query(
                  `INSERT INTO alert_sessions (last_ts, last_id, observed, detector, evaluated_at, user_id, session_id, version)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, 1) ON CONFLICT DO NOTHING`,
                  values,
                )
              : await c.query(
                  `UPDATE alert_sessions SET last_ts = $1, last_id = $2, observed = $3, detector = $4, evaluated_at = $5,
                     version = version + 1
                   WHERE user_id = $6 AND session_id = $7 AND version = $8`,
                  [...values, f.expectedVersion],
                );
          if (r.rowCount !== 1) return { saved: false, cleared: false, retracted: 0 };
        }
        let retracted = 0;
        if (f.keep !== null) {
          const ids = (await c.query<{ id: string }>('SELECT id FROM alerts WHERE user_id = $1 AND session_id = $2', [user, session])).rows
            .map((x) => x.id)
            .filter((id) => !f.keep!.has(id));
          if (ids.length > 0) {
            retracted = (await c.query('DELETE FROM alerts WHERE user_id = $1 AND id = ANY ($2::text[])', [user, ids])).rowCount ?? 0;
          }
        }
        const d = await c.query('DELETE FROM alert_pending WHERE user_id = $1 AND session_id = $2 AND claimed', [user, session]);
        return { saved: true, cleared: d.rowCount === 1, retracted };
      });
    },
  };
}
