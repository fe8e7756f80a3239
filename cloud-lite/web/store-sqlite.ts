// The web dashboard store on the embedded SQLite file (the core store's connection). The summary's
// queries read events_web_summary alone (migrations.ts): the expressions below must stay
// written exactly as they are in the index for SQLite to take them from it.
import type Database from 'better-sqlite3';
import {
  foldCounts,
  riskCounts,
  topLists,
  type SummaryCounts,
  type TopGroup,
  type SummaryQuery,
  type WebSession,
  type WebStore,
} from './store.ts';

const RANGE = 'user_id = @user AND ts >= @since AND ts < @until';

export function sqliteWebStore(db: Database.Database): WebStore {
  const statements = new Map<string, Database.Statement>();
  const stmt = (sql: string): Database.Statement => {
    let s = statements.get(sql);
    if (s === undefined) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };

  const createSession = db.transaction((s: WebSession) => {
    // Expired sessions go when a new one starts: the table holds live sessions only, give or take.
    stmt('DELETE FROM web_sessions WHERE expires_at <= ?').run(s.createdAt);
    stmt('INSERT INTO web_sessions (id_hash, user_id, key_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(
      s.idHash,
      s.user,
      s.keyId,
      s.createdAt,
      s.expiresAt,
    );
  });

  return {
    async createSession(s) {
      createSession.immediate(s);
    },

    async getSession(idHash, now) {
      const row = stmt(
        'SELECT id_hash AS idHash, user_id AS user, key_id AS keyId, created_at AS createdAt, expires_at AS expiresAt FROM web_sessions WHERE id_hash = ?',
      ).get(idHash) as WebSession | undefined;
      return row !== undefined && row.expiresAt > now ? row : null;
    },

    async endSession(idHash) {
      stmt('DELETE FROM web_sessions WHERE id_hash = ?').run(idHash);
    },

    async summary(q: SummaryQuery): Promise<SummaryCounts> {
      const range = { user: q.user, since: q.since, until: q.until };
      const today = { user: q.user, since: q.todayStart, until: q.until };
      const counts = stmt(
        `SELECT CAST((ts - @since) / @bucket AS INTEGER) AS b, platform, risk_level AS r, count(*) AS n
         FROM events WHERE ${RANGE} GROUP BY b, platform, r`,
      ).all({ ...range, bucket: q.bucketMs }) as { b: number; platform: string; r: number; n: number }[];
      const todayRows = stmt(`SELECT risk_level AS r, count(*) AS n FROM events WHERE ${RANGE} GROUP BY r`).all(today) as {
        r: number;
        n: number;
      }[];
      const alerts = stmt(
        `SELECT count(*) AS n, coalesce(sum(json_extract(body, '$.severity') = 'critical'), 0) AS c
         FROM alerts WHERE ${RANGE}`,
      ).get(today) as { n: number; c: number };
      // One pass over the range, from the index alone (materialized: grouped directly, SQLite
      // would read the rows), grouped twice: by endpoint, and by rule set.
      const groups = stmt(
        `WITH r AS MATERIALIZED (
           SELECT platform, json_extract(body, '$.endpoint') AS endpoint, json_extract(body, '$.rules') AS rules FROM events WHERE ${RANGE}
         )
         SELECT 'e' AS kind, platform, endpoint, NULL AS rules, count(*) AS n FROM r GROUP BY platform, endpoint
         UNION ALL SELECT 'r', NULL, NULL, rules, count(*) FROM r GROUP BY rules`,
      ).all(range) as TopGroup[];
      const folded = foldCounts(counts, q.since, q.bucketMs);
      return {
        today: { ...riskCounts(todayRows), alerts: alerts.n, critical: alerts.c },
        ...folded,
        ...topLists(groups, folded.total, q.top),
      };
    },
  };
}
