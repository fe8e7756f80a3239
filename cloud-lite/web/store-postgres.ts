// The web dashboard store on PostgreSQL (the core store's pool). The counts come from
// events_web_summary (migrations.ts); the endpoints and rule sets from the rows of the range,
// parsed in SQL: nothing but the aggregates leaves the database.
import type { PgDatabase } from '../store/postgres-db.ts';
import {
  foldCounts,
  riskCounts,
  topLists,
  type SummaryCounts,
  type SummaryQuery,
  type TopGroup,
  type WebSession,
  type WebStore,
} from './store.ts';

const RANGE = 'user_id = $1 AND ts >= $2 AND ts < $3';

interface SessionRow {
  id_hash: string;
  user_id: string;
  key_id: string;
  created_at: string;
  expires_at: string;
}

export function postgresWebStore(db: PgDatabase): WebStore {
  return {
    async createSession(s: WebSession) {
      await db.transaction('web session create', async (c) => {
        // Expired sessions go when a new one starts: the table holds live sessions only, give or take.
        await c.query('DELETE FROM web_sessions WHERE expires_at <= $1', [s.createdAt]);
        await c.query('INSERT INTO web_sessions (id_hash, user_id, key_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [
          s.idHash,
          s.user,
          s.keyId,
          s.createdAt,
          s.expiresAt,
        ]);
      });
    },

    async getSession(idHash, now) {
      const r = await db.query<SessionRow>('web session read', 'SELECT * FROM web_sessions WHERE id_hash = $1', [idHash]);
      const row = r.rows[0];
      if (row === undefined || Number(row.expires_at) <= now) return null;
      return {
        idHash: row.id_hash,
        user: row.user_id,
        keyId: row.key_id,
        createdAt: Number(row.created_at),
        expiresAt: Number(row.expires_at),
      };
    },

    async endSession(idHash) {
      await db.query('web session end', 'DELETE FROM web_sessions WHERE id_hash = $1', [idHash]);
    },

    async summary(q: SummaryQuery): Promise<SummaryCounts> {
      const range = [q.user, q.since, q.until];
      const today = [q.user, q.todayStart, q.until];
      const [counts, todayRows, alerts, groups] = await Promise.all([
        db.query<{ b: number; platform: string; r: number; n: string }>(
          'web summary counts',
          `SELECT floor((ts - $2) / $4)::int AS b, platform, risk_level::int AS r, count(*) AS n
           FROM events WHERE ${RANGE} GROUP BY 1, 2, 3`,
          [...range, q.bucketMs],
        ),
        db.query<{ r: number; n: string }>(
          'web summary today',
          `SELECT risk_level::int AS r, count(*) AS n FROM events WHERE ${RANGE} GROUP BY 1`,
          today,
        ),
        db.query<{ n: string; c: string }>(
          'web summary alerts',
          `SELECT count(*) AS n, count(*) FILTER (WHERE body::json ->> 'severity' = 'critical') AS c FROM alerts WHERE ${RANGE}`,
          today,
        ),
        // One pass over the range, each body parsed once (json_to_record), grouped twice: by
        // endpoint, and by rule set (topLists counts each rule).
        db.query<{ g: number; platform: string; endpoint: string | null; rules: string | null; n: string }>(
          'web summary top lists',
          `SELECT GROUPING(platform, j.endpoint) AS g, platform, j.endpoint, j.rules::text AS rules, count(*) AS n
           FROM events, json_to_record(body::json) AS j(endpoint text, rules json)
           WHERE ${RANGE} GROUP BY GROUPING SETS ((platform, j.endpoint), (j.rules::text))`,
          range,
        ),
      ]);
      const num = <T extends { n: string }>(rows: readonly T[]) => rows.map((r) => ({ ...r, n: Number(r.n) }));
      const folded = foldCounts(num(counts.rows), q.since, q.bucketMs);
      return {
        today: { ...riskCounts(num(todayRows.rows)), alerts: Number(alerts.rows[0]?.n ?? 0), critical: Number(alerts.rows[0]?.c ?? 0) },
        ...folded,
        ...topLists(
          groups.rows.map((r): TopGroup =>
            r.g === 0
              ? { kind: 'e', platform: r.platform, endpoint: r.endpoint, n: Number(r.n) }
              : { kind: 'r', rules: r.rules, n: Number(r.n) },
          ),
          folded.total,
          q.top,
        ),
      };
    },
  };
}
