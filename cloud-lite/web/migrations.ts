// The web dashboard part's schema, in the store's one numbered sequence (store/migrations.ts lists
// every part's). Version 5 is this part's; never edit a released migration: add one.
//
// web_sessions: one row per signed-in browser, keyed by the SHA-256 of the cookie's session id,
// so that signing out ends the session on every instance and a stolen database row is no cookie.
//
// events_web_summary: the dashboard's aggregates read one user's events in a time range.
// SQLite: every value the summary needs is in the index (risk, platform and, as indexed
// expressions, the endpoint and the rules array), so the aggregates never touch the table rows.
// PostgreSQL cannot answer from an expression index alone: its index covers the counts (risk,
// platform) and the endpoint and rules are read from the rows in the range.
import type { FeatureMigrations } from '../store/migrations.ts';

export const WEB_MIGRATIONS: FeatureMigrations = {
  sqlite: [
    {
      version: 5,
      sql: `
        CREATE TABLE web_sessions (
          id_hash TEXT PRIMARY KEY,
          user_id TEXT NOT NULL,
          key_id TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at);
        CREATE INDEX events_web_summary ON events (
          user_id, ts, risk_level, platform, json_extract(body, '$.endpoint'), json_extract(body, '$.rules')
        );
      `,
    },
  ],
  postgres: [
    {
      version: 5,
      sql: `
        CREATE TABLE web_sessions (
          id_hash text PRIMARY KEY,
          user_id text NOT NULL,
          key_id text NOT NULL,
          created_at bigint NOT NULL,
          expires_at bigint NOT NULL
        );
        CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at);
        CREATE INDEX events_web_summary ON events (user_id, ts) INCLUDE (risk_level, platform);
      `,
    },
  ],
  postgresRoutines: [],
};
