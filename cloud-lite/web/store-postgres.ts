// The web dashboard store on PostgreSQL (the core store's pool). The counts come from
// events_web_summary (migrations.ts); the endpoints and rules from the rows of the range, each
// body parsed once, in SQL: nothing but the aggregates leaves the database.
import type { PgDatabase } from '../store/postgres-db.ts';
import { foldCounts, riskCounts, type SummaryCounts, type SummaryQuery, type WebSession, type WebStore } from './store.ts';

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
      type Top = { n: string; every: string };
      const [counts, todayRows, alerts, endpoints, rules] = await Promise.all([
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
        db.query<{ n: string; platform: string; endpoint: string | null }>(
          'web summary endpoints',
          `SELECT platform, endpoint, count(*) AS n
           FROM (SELECT platform, body::json ->> 'endpoint' AS endpoint FROM events WHERE ${RANGE}) AS r
           GROUP BY 1, 2 ORDER BY n DESC, platform COLLATE "C", endpoint COLLATE "C" LIMIT $4`,
          [...range, q.top],
        ),
        // The window sum runs before LIMIT: every rule's count, for the "other" figure.
        db.query<Top & { rule: string }>(
          'web summary rules',
          `SELECT rule, count(*) AS n, sum(count(*)) OVER () AS every
           FROM events, json_array_elements_text(body::json -> 'rules') AS rule
           WHERE ${RANGE} GROUP BY 1 ORDER BY n DESC, rule COLLATE "C" LIMIT $4`,
          [...range, q.top],
        ),
      ]);
      const sum = (rows: readonly { n: string }[]): number => rows.reduce((s, r) => s + Number(r.n), 0);
      const num = <T extends { n: string }>(rows: readonly T[]) => rows.map((r) => ({ ...r, n: Number(r.n) }));
      const folded = foldCounts(num(counts.rows), q.since, q.bucketMs);
      return {
        today: { ...riskCounts(num(todayRows.rows)), alerts: Number(alerts.rows[0]?.n ?? 0), critical: Number(alerts.rows[0]?.c ?? 0) },
        ...folded,
        topEndpoints: endpoints.rows.map((r) => ({ platform: r.platform, endpoint: r.endpoint ?? '', count: Number(r.n) })),
        otherEndpoints: folded.total - sum(endpoints.rows),
        topRules: rules.rows.map((r) => ({ rule: r.rule, count: Number(r.n) })),
        otherRules: rules.rows.length === 0 ? 0 : Number(rules.rows[0]!.every) - sum(rules.rows),
      };
    },
  };
}
