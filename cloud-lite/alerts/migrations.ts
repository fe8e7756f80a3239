// The alert evaluation part's schema, in the store's one numbered sequence (store/migrations.ts lists
// every part's). Version 2 is this part's; never edit a released migration: add one.
//
// - alert_pending: one row per session with events not yet evaluated. A trigger on events writes
//   it in the very transaction that stores the events, so a crash between a batch's commit and
//   its evaluation loses nothing (the evaluator's start and its sweep pick the row up). An
//   evaluator claims the row when it starts (claimed) and deletes it at the end only if it is
//   still claimed: an insert meanwhile unclaims it. (min_ts, min_id) is the earliest event stored
//   since the last claim, in event order: when it is after the session's watermark the
//   evaluation continues from the saved detector, else the evaluator checks whether an event
//   came before the watermark (and then replays the session from its start). On SQLite the
//   trigger runs per row, but its WHEN skips the write for every event an unclaimed row already
//   covers (an in-order batch writes once per session).
// - alert_sessions: per session, the watermark (the last event evaluated, in (ts, id) order), how
//   many events the detector has seen, and its saved state (JSON), so a batch costs the new
//   events only. `version` makes saving it a compare-and-set: two evaluators never both win.
// - alerts gains session_id (the alerts a replay may retract are found by it).
// - alert_outbox: the hand-off to the mail part (fixed shape): one row per new critical alert,
//   written in the transaction that stores the alert.
import type { FeatureMigrations } from '../store/migrations.ts';

const SQLITE_V2 = `
  ALTER TABLE alerts ADD COLUMN session_id TEXT;
  UPDATE alerts SET session_id = json_extract(body, '$.session_id');
  CREATE INDEX alerts_by_session ON alerts (user_id, session_id);
  CREATE TABLE alert_outbox (
    user_id TEXT NOT NULL,
    alert_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, alert_id)
  ) WITHOUT ROWID;
  CREATE TABLE alert_pending (
    user_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    claimed INTEGER NOT NULL,
    min_ts REAL NOT NULL,
    min_id TEXT NOT NULL,
    PRIMARY KEY (user_id, session_id)
  ) WITHOUT ROWID;
  CREATE TABLE alert_sessions (
    user_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    last_ts REAL NOT NULL,
    last_id TEXT NOT NULL,
    observed INTEGER NOT NULL,
    detector TEXT NOT NULL,
    evaluated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, session_id)
  ) WITHOUT ROWID;
  CREATE TRIGGER alert_pending_on_event AFTER INSERT ON events
  WHEN NOT EXISTS (
    SELECT 1 FROM alert_pending AS p
    WHERE p.user_id = NEW.user_id AND p.session_id = NEW.session_id AND p.claimed = 0 AND (p.min_ts, p.min_id) <= (NEW.ts, NEW.id)
  )
  BEGIN
    INSERT INTO alert_pending (user_id, session_id, claimed, min_ts, min_id)
      VALUES (NEW.user_id, NEW.session_id, 0, NEW.ts, NEW.id)
    ON CONFLICT (user_id, session_id) DO UPDATE SET
      min_ts = CASE WHEN claimed = 1 OR (excluded.min_ts, excluded.min_id) < (min_ts, min_id) THEN excluded.min_ts ELSE min_ts END,
      min_id = CASE WHEN claimed = 1 OR (excluded.min_ts, excluded.min_id) < (min_ts, min_id) THEN excluded.min_id ELSE min_id END,
      claimed = 0;
  END;
`;

// One statement-level trigger per insert (the transition table holds the rows it inserted, not
// the duplicates it skipped), one upsert per session in key order. Lock order stays events →
// alert_pending → usage for every batch, so it adds no deadlock; batches of one user are already
// serialised by their usage row.
const POSTGRES_V2 = `
  ALTER TABLE alerts ADD COLUMN session_id text;
  UPDATE alerts SET session_id = body::json ->> 'session_id';
  CREATE INDEX alerts_by_session ON alerts (user_id, session_id);
  CREATE TABLE alert_outbox (
    user_id text NOT NULL,
    alert_id text COLLATE "C" NOT NULL,
    key_id text NOT NULL,
    created_at bigint NOT NULL,
    PRIMARY KEY (user_id, alert_id)
  );
  CREATE TABLE alert_pending (
    user_id text NOT NULL,
    session_id text NOT NULL,
    claimed boolean NOT NULL,
    min_ts double precision NOT NULL,
    min_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (user_id, session_id)
  );
  CREATE TABLE alert_sessions (
    user_id text NOT NULL,
    session_id text NOT NULL,
    version bigint NOT NULL,
    last_ts double precision NOT NULL,
    last_id text COLLATE "C" NOT NULL,
    observed bigint NOT NULL,
    detector text NOT NULL,
    evaluated_at bigint NOT NULL,
    PRIMARY KEY (user_id, session_id)
  );
  CREATE FUNCTION alert_pending_mark_v2() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    INSERT INTO alert_pending AS p (user_id, session_id, claimed, min_ts, min_id)
      SELECT DISTINCT ON (n.user_id, n.session_id) n.user_id, n.session_id, false, n.ts, n.id
      FROM inserted_events AS n
      ORDER BY n.user_id, n.session_id, n.ts, n.id COLLATE "C"
    ON CONFLICT (user_id, session_id) DO UPDATE SET
      min_ts = CASE WHEN p.claimed OR (EXCLUDED.min_ts, EXCLUDED.min_id) < (p.min_ts, p.min_id) THEN EXCLUDED.min_ts ELSE p.min_ts END,
      min_id = CASE WHEN p.claimed OR (EXCLUDED.min_ts, EXCLUDED.min_id) < (p.min_ts, p.min_id) THEN EXCLUDED.min_id ELSE p.min_id END,
      claimed = false;
    RETURN NULL;
  END
  $fn$;
  CREATE TRIGGER alert_pending_on_events AFTER INSERT ON events
    REFERENCING NEW TABLE AS inserted_events
    FOR EACH STATEMENT EXECUTE FUNCTION alert_pending_mark_v2();
`;

export const ALERT_MIGRATIONS: FeatureMigrations = {
  sqlite: [{ version: 2, sql: SQLITE_V2 }],
  postgres: [{ version: 2, sql: POSTGRES_V2 }],
  postgresRoutines: [],
};
