// The semantic analysis part's schema, in the store's one numbered sequence (store/migrations.ts lists
// every part's). Version 4 is this part's; never edit a released migration: add one.
import type { FeatureMigrations } from '../store/migrations.ts';

export const ANALYSIS_MIGRATIONS: FeatureMigrations = {
  sqlite: [
    {
      version: 4,
      sql: `
        CREATE TABLE analysis_verdicts (
          cache_key TEXT PRIMARY KEY,
          level INTEGER NOT NULL,
          label TEXT NOT NULL,
          analyzed_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE analysis_daily (
          user_id TEXT NOT NULL,
          day TEXT NOT NULL,
          calls INTEGER NOT NULL,
          PRIMARY KEY (user_id, day)
        ) WITHOUT ROWID;
        CREATE TABLE analysis_monthly (
          month TEXT PRIMARY KEY,
          tokens INTEGER NOT NULL
        ) WITHOUT ROWID;
      `,
    },
  ],
  postgres: [
    {
      version: 4,
      sql: `
        CREATE TABLE analysis_verdicts (
          cache_key text PRIMARY KEY,
          level smallint NOT NULL,
          label text NOT NULL,
          analyzed_at bigint NOT NULL
        );
        CREATE TABLE analysis_daily (
          user_id text NOT NULL,
          day text NOT NULL,
          calls integer NOT NULL,
          PRIMARY KEY (user_id, day)
        );
        CREATE TABLE analysis_monthly (
          month text PRIMARY KEY,
          tokens bigint NOT NULL
        );
      `,
    },
  ],
  postgresRoutines: [],
};
